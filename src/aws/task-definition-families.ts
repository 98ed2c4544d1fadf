// The task definition families that have an ACTIVE revision in one account and region, read once
// with ListTaskDefinitionFamilies (100 a page: 10 calls for 1,000 families) and kept up to date
// with the operator's own registrations.
//
// Why: a task definition object whose status records no revision is either new (its family
// does not exist yet: register at once, no search) or was made before this status existed (by
// `ecs-operator apply -f`, or an object recreated from Git after a cluster rebuild: its family
// exists, so its revisions are searched and the one carrying the spec is found instead of
// registering a copy and rolling every service onto it). One listing per region serves every
// object, instead of one ListTaskDefinitions per new object.
import { paginateListTaskDefinitionFamilies, type ECSClient } from '@aws-sdk/client-ecs';

/** A family registered outside the operator after the listing is seen once the listing is this old. */
const RELIST_AFTER_MS = 60 * 60_000;

export class TaskDefinitionFamilies {
  private families: Promise<Set<string>> | undefined;
  private listedAt = 0;

  constructor(private readonly ecs: ECSClient) {}

  /** Whether the family has an ACTIVE revision (as of the last listing, or registered since). */
  async has(family: string): Promise<boolean> {
    if (this.families === undefined || Date.now() - this.listedAt > RELIST_AFTER_MS) {
      this.listedAt = Date.now();
      this.families = this.list();
      // A failed listing is not kept: the next object asks again.
      this.families.catch(() => (this.families = undefined));
    }
    return (await this.families).has(family);
  }

  /** A revision was registered in this family. */
  add(family: string): void {
    void this.families?.then((set) => set.add(family), () => undefined);
  }

  private async list(): Promise<Set<string>> {
    const families = new Set<string>();
    for await (const page of paginateListTaskDefinitionFamilies({ client: this.ecs, pageSize: 100 }, { status: 'ACTIVE', maxResults: 100 })) {
      for (const f of page.families ?? []) families.add(f);
    }
    return families;
  }
}
