import { describe, expect, it } from 'vitest';
import { planShardMoves, shareOf } from '../../../src/kube/shard-spread.js';

describe('shareOf', () => {
  it('gives 2 replicas 2 shards each of 4, and 3 replicas 2, 1 and 1 (the extra to the first by identity)', () => {
    expect(['a', 'b'].map((m) => shareOf(4, ['a', 'b'], m))).toEqual([2, 2]);
    expect(['a', 'b', 'c'].map((m) => shareOf(4, ['c', 'a', 'b'], m))).toEqual([2, 1, 1]);
  });

  it('counts this replica even before its membership shows, and gives replicas beyond the shard count none', () => {
    expect(shareOf(4, [], 'a')).toBe(4);
    expect(shareOf(4, ['b'], 'a')).toBe(2);
    expect(['a', 'b', 'c'].map((m) => shareOf(2, ['a', 'b', 'c'], m))).toEqual([1, 1, 0]);
  });

  it('always adds up to the shard count', () => {
    for (let shards = 1; shards <= 9; shards++) {
      for (let n = 1; n <= 6; n++) {
        const members = Array.from({ length: n }, (_, i) => `r${i}`);
        expect(members.reduce((sum, m) => sum + shareOf(shards, members, m), 0)).toBe(shards);
      }
    }
  });
});

describe('planShardMoves', () => {
  it('alone, takes every free shard', () => {
    expect(planShardMoves({ shards: 4, self: 'a', members: ['a'], holders: [undefined, undefined, undefined, undefined] })).toEqual({ target: 4, acquire: [0, 1, 2, 3], release: [] });
  });

  it('hands back its surplus when a second replica joins, keeping the low shards', () => {
    expect(planShardMoves({ shards: 4, self: 'a', members: ['a', 'b'], holders: ['a', 'a', 'a', 'a'] })).toEqual({ target: 2, acquire: [], release: [2, 3] });
  });

  it('a joining replica takes only free shards, never one held by a live replica', () => {
    expect(planShardMoves({ shards: 4, self: 'b', members: ['a', 'b'], holders: ['a', 'a', 'a', 'a'] })).toEqual({ target: 2, acquire: [], release: [] });
    expect(planShardMoves({ shards: 4, self: 'b', members: ['a', 'b'], holders: ['a', 'a', undefined, undefined] })).toEqual({ target: 2, acquire: [2, 3], release: [] });
  });

  it('takes the shards of a replica that died (its Leases expired) up to its new share', () => {
    expect(planShardMoves({ shards: 4, self: 'a', members: ['a'], holders: ['a', 'a', undefined, undefined] })).toEqual({ target: 4, acquire: [2, 3], release: [] });
  });

  it('stays put when the spread is even', () => {
    expect(planShardMoves({ shards: 4, self: 'b', members: ['a', 'b'], holders: ['a', 'b', 'a', 'b'] })).toEqual({ target: 2, acquire: [], release: [] });
  });

  it('replicas joining together start looking at different shards', () => {
    const free = [undefined, undefined, undefined, undefined];
    const a = planShardMoves({ shards: 4, self: 'a', members: ['a', 'b'], holders: free });
    const b = planShardMoves({ shards: 4, self: 'b', members: ['a', 'b'], holders: free });
    expect(a.acquire).toEqual([0, 1]);
    expect(b.acquire).toEqual([2, 3]);
  });

  it('does not count a shard it is handing back, nor take it again', () => {
    expect(planShardMoves({ shards: 4, self: 'a', members: ['a', 'b'], holders: ['a', 'a', 'a (releasing)', undefined] })).toEqual({ target: 2, acquire: [], release: [] });
  });
});
