"""BLUE_GREEN, LINEAR and CANARY deployments, run by ECS itself, on the emulator's clock.

Amazon ECS Developer Guide: "Amazon ECS blue/green service deployments workflow"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html),
"Amazon ECS linear deployments" (deployment-type-linear.html), "Amazon ECS canary deployments"
(deployment-type-canary.html), "Lifecycle hooks for Amazon ECS service deployments"
(deployment-lifecycle-hooks.html); API reference ServiceDeployment.lifecycleStage,
DeploymentConfiguration (strategy, bakeTimeInMinutes, linearConfiguration, canaryConfiguration,
lifecycleHooks), AdvancedConfiguration. A deployment of a service whose
`deploymentConfiguration.strategy` is BLUE_GREEN, LINEAR or CANARY goes through these stages, in
this order, as its service deployment's `lifecycleStage` shows:

  RECONCILE_SERVICE (only when more than one revision runs when it starts), PRE_SCALE_UP,
  SCALE_UP (the green revision starts its full desired count beside the blue one, whatever
  maximumPercent says; it serves no traffic), POST_SCALE_UP, TEST_TRAFFIC_SHIFT (the test listener
  rule forwards to the green target group), POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT (the
  production listener rule moves to green: all at once for BLUE_GREEN; `stepPercent` at a time
  with `stepBakeTimeInMinutes` between steps for LINEAR (default 10 % and 6 min, no wait after 100 %);
  `canaryPercent`, `canaryBakeTimeInMinutes`, then the rest for CANARY (default 5 % and 10 min)),
  POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME (`bakeTimeInMinutes` with both revisions running;
  alarms still watched), CLEAN_UP (the blue revision's tasks stop), then SUCCESSFUL.

The hooks of each stage (lifecycle_hooks) run once the stage's work is done; PRE_PRODUCTION_TRAFFIC_SHIFT
hooks run in PRODUCTION_TRAFFIC_SHIFT before any production traffic moves, and PRODUCTION_TRAFFIC_SHIFT
hooks after each step of the shift (each must succeed before the step's bake time starts). A FAILED hook, an alarm
(deployment_alarms) or StopServiceDeployment rolls back: production and test traffic return to the
blue target group, the blue revision (still running) is the PRIMARY deployment again, the green
tasks stop; the service deployment goes ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL.

Which target group is blue is read from the production listener rule when the deployment starts
(the one with the larger weight), so the target groups swap roles from one deployment to the next,
as ECS's do. Emulator choices: one stage per clock tick at least; a minute of bake time is
`ticksPerMinute` ticks (1 unless the control endpoint says otherwise); a service's first
deployment (nothing running yet) is not staged; the validation messages are the emulator's words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from moto.core.utils import utcnow
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Service

from . import lifecycle_hooks, listener_traffic, service_deployment_history
from .ecs_model import Deployment, add_event, deployments, primary, set_fields
from .service_deployment_history import Record

NATIVE = ("BLUE_GREEN", "LINEAR", "CANARY")
STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)
# Hook stages run before a stage's work (only production traffic has one) and after it.
HOOKS_BEFORE = {"PRODUCTION_TRAFFIC_SHIFT": "PRE_PRODUCTION_TRAFFIC_SHIFT"}
# PRODUCTION_TRAFFIC_SHIFT hooks run after each step of the shift ("invoked at each production
# traffic shift step", deployment-type-linear.html), inside that stage's work.
HOOKS_AFTER = {s: s for s in STAGES if s not in ("SCALE_UP", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP")}

LINEAR_DEFAULTS = {"stepPercent": 10.0, "stepBakeTimeInMinutes": 6}
CANARY_DEFAULTS = {"canaryPercent": 5.0, "canaryBakeTimeInMinutes": 10}

ticks_per_minute = 1


def set_ticks_per_minute(ticks: int) -> None:
    global ticks_per_minute
    if not 1 <= ticks <= 1000:
        raise ValueError("ticksPerMinute must be between 1 and 1000")
    ticks_per_minute = ticks


def reset() -> None:
    set_ticks_per_minute(1)


def strategy(service: Service) -> str:
    return str((service.deployment_configuration or {}).get("strategy") or "ROLLING")


@dataclass
class Traffic:
    """One load balancer's blue and green target groups and the rules that route to them."""

    production_rule: str
    test_rule: str | None
    blue: str
    green: str


@dataclass
class Rollout:
    record: Record
    blue: Deployment
    strategy: str
    configuration: dict[str, Any]
    traffic: list[Traffic]
    index: int = 0
    work_done: bool = False
    hooks_before_done: bool = False
    wait: int = 0  # ticks left in a bake time
    step_hooks_pending: bool = False  # the last production traffic step's hooks have not all succeeded
    production: float = 0.0  # percent of production traffic on green
    test: float = 0.0
    hook_status: dict[tuple[int, str], str] = field(default_factory=dict)
    seen: lifecycle_hooks.Invocations = field(default_factory=lifecycle_hooks.Invocations)

    @property
    def stage(self) -> str:
        return STAGES[self.index]

    @property
    def green(self) -> Deployment:
        return self.record.target

    # --- what the scheduler asks -------------------------------------------------------------
    def running(self) -> bool:
        return self.record.in_progress

    def may_launch(self) -> bool:
        return self.index >= STAGES.index("SCALE_UP")

    def keeps_blue(self) -> bool:
        return self.index < STAGES.index("CLEAN_UP")

    # --- one tick ------------------------------------------------------------------------------
    def step(self, service: Service) -> None:
        if not self.work_done:
            if not self._hooks(service, HOOKS_BEFORE.get(self.stage), before=True):
                return
            self.work_done = self._work(service)
            if not self.work_done:
                return
        if not self._hooks(service, HOOKS_AFTER.get(self.stage), before=False):
            return
        if self.stage != "CLEAN_UP":
            self._enter(self.index + 1)

    def _enter(self, index: int) -> None:
        self.index = index
        self.work_done = False
        self.hooks_before_done = False
        self.wait = ticks_per_minute * int(self.configuration.get("bakeTimeInMinutes") or 0) if self.stage == "BAKE_TIME" else 0
        self.record.updated_at = utcnow()

    def _hooks(self, service: Service, hook_stage: str | None, before: bool) -> bool:
        """Invokes the hooks of `hook_stage` that have not succeeded yet; True once all have."""
        if hook_stage is None or (before and self.hooks_before_done):
            return True
        pending = False
        for index, hook in enumerate(self.configuration.get("lifecycleHooks") or []):
            if hook_stage not in (hook.get("lifecycleStages") or []):
                continue
            if self.hook_status.get((index, hook_stage)) == "SUCCEEDED":
                continue
            outcome = lifecycle_hooks.invoke(
                service.name, service.arn, self.record.arn, index, hook, hook_stage, self.seen
            )
            self.hook_status[(index, hook_stage)] = outcome
            if outcome == "FAILED":
                self.roll_back(
                    self.blue,
                    f"Service deployment rolled back because the lifecycle hook {hook.get('hookTargetArn')} "
                    f"failed at stage {hook_stage}.",
                )
                return False
            pending = pending or outcome == "IN_PROGRESS"
        if before and not pending:
            self.hooks_before_done = True
        return not pending

    def _work(self, service: Service) -> bool:
        stage = self.stage
        if stage == "SCALE_UP":
            green = self.green
            return green.running_count >= green.desired_count and green.pending_count == 0
        if stage == "TEST_TRAFFIC_SHIFT":
            self._route(test=100.0)
        elif stage == "PRODUCTION_TRAFFIC_SHIFT":
            return self._shift_production(service)
        elif stage == "BAKE_TIME":
            if self.wait > 0:
                self.wait -= 1
            return self.wait == 0
        elif stage == "CLEAN_UP":
            return not self.blue.live_tasks()
        return True

    def _shift_production(self, service: Service) -> bool:
        if not self.step_hooks_pending:
            if self.wait > 0:
                self.wait -= 1
                return False
            self._route(production=self._next_step())
            self.hook_status = {k: v for k, v in self.hook_status.items() if k[1] != "PRODUCTION_TRAFFIC_SHIFT"}
            self.step_hooks_pending = True
        if not self._hooks(service, "PRODUCTION_TRAFFIC_SHIFT", before=False):
            return False
        self.step_hooks_pending = False
        if self.production >= 100:
            return True
        self.wait = self._step_bake() * ticks_per_minute
        return False

    def _next_step(self) -> float:
        """The share of production traffic on green after the next step."""
        if self.strategy == "LINEAR":
            step = float({**LINEAR_DEFAULTS, **(self.configuration.get("linearConfiguration") or {})}["stepPercent"])
            return min(100.0, round(self.production + step, 1))
        if self.strategy == "CANARY" and self.production == 0:
            return float({**CANARY_DEFAULTS, **(self.configuration.get("canaryConfiguration") or {})}["canaryPercent"])
        return 100.0

    def _step_bake(self) -> int:
        if self.strategy == "LINEAR":
            return int({**LINEAR_DEFAULTS, **(self.configuration.get("linearConfiguration") or {})}["stepBakeTimeInMinutes"])
        if self.strategy == "CANARY":
            return int({**CANARY_DEFAULTS, **(self.configuration.get("canaryConfiguration") or {})}["canaryBakeTimeInMinutes"])
        return 0

    def _route(self, production: float | None = None, test: float | None = None) -> None:
        if production is not None:
            self.production = production
        if test is not None:
            self.test = test
        for link in self.traffic:
            listener_traffic.shift(link.production_rule, link.blue, link.green, self.production)
            if link.test_rule:
                listener_traffic.shift(link.test_rule, link.blue, link.green, self.test)
        self.record.updated_at = utcnow()

    # --- rollback ------------------------------------------------------------------------------
    def roll_back(self, target: Deployment, reason: str) -> None:
        service = self.record.service
        self._route(production=0.0, test=0.0)
        green, blue = self.green, self.blue
        green.status = "ACTIVE"
        green.rollout_state, green.rollout_state_reason = "FAILED", reason
        green.updated_at = utcnow()
        blue.status = "PRIMARY"
        blue.rollout_state, blue.rollout_state_reason = "IN_PROGRESS", reason
        blue.desired_count = service.desired_count
        blue.updated_at = utcnow()
        set_fields(service, blue.spec)
        service.deployments = [blue, *[d for d in deployments(service) if d is not blue]]
        add_event(service, f"(service {service.name}) rolling back to deployment {blue.id}.")
        service_deployment_history.rolling_back(self.record, blue, reason)

    # --- what DescribeServiceDeployments shows -------------------------------------------------
    def describe(self) -> dict[str, Any]:
        details = []
        for index, hook in enumerate(self.configuration.get("lifecycleHooks") or []):
            status = next(
                (self.hook_status[(index, s)] for s in (HOOKS_BEFORE.get(self.stage), HOOKS_AFTER.get(self.stage, self.stage))
                 if (index, s) in self.hook_status),
                None,
            )
            if status is not None:
                details.append(
                    {
                        "hookId": f"{index}",
                        "targetType": hook.get("targetType", "AWS_LAMBDA"),
                        "targetArn": hook.get("hookTargetArn"),
                        "status": status,
                    }
                )
        green, blue = self.production, 100.0 - self.production
        return {
            "lifecycleStage": self.stage,
            "lifecycleHookDetails": details or None,
            "targetWeights": {self.green.revision_arn: (self.test, green)},
            "sourceWeights": {self.blue.revision_arn: (100.0 - self.test, blue)},
        }


def begin(service: Service, record: Record) -> None:
    """Stages `record` when the service's strategy is a native one and a revision already runs."""
    name = strategy(service)
    running = [d for d in record.sources if d.live_tasks()]
    if name not in NATIVE or not running:
        return
    blue = next((d for d in running if d.rollout_state == "COMPLETED"), running[0])
    rollout = Rollout(
        record=record,
        blue=blue,
        strategy=name,
        configuration=record.deployment_configuration,
        traffic=_traffic(service),
    )
    if len(running) < 2:
        rollout.index = 1  # RECONCILE_SERVICE happens only with more than one running revision
    record.native = rollout


def _traffic(service: Service) -> list[Traffic]:
    links = []
    for balancer in service.load_balancers or []:
        advanced = balancer.get("advancedConfiguration") or {}
        primary_group, alternate = balancer.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")
        rule = advanced.get("productionListenerRule")
        if not (primary_group and alternate and rule):
            continue
        weights = listener_traffic.weights(rule)
        blue, green = (
            (alternate, primary_group)
            if weights.get(alternate, 0) > weights.get(primary_group, 0)
            else (primary_group, alternate)
        )
        links.append(Traffic(rule, advanced.get("testListenerRule"), blue, green))
    return links


def rollout_of(service: Service) -> Rollout | None:
    """The running native rollout of the service's PRIMARY deployment, if any."""
    current = primary(service)
    record = current.record if current is not None else None
    if record is None or record.native is None or not record.native.running() or record.target is not current:
        return None
    return record.native  # type: ignore[no-any-return]


def tick(service: Service) -> None:
    rollout = rollout_of(service)
    if rollout is not None and service.status == "ACTIVE":
        rollout.step(service)


def launch_allowed(service: Service) -> int | None:
    """How many tasks the PRIMARY deployment may start beyond the rolling update's ceiling: None
    when the rolling rules apply, else its whole desired count once SCALE_UP is reached (0 before)."""
    rollout = rollout_of(service)
    if rollout is None:
        return None
    return rollout.green.desired_count if rollout.may_launch() else 0


def keeps_tasks_of(service: Service, deployment: Deployment) -> bool:
    """Whether the blue deployment's tasks stay (until CLEAN_UP; a deleted service stops them all)."""
    rollout = rollout_of(service)
    return (
        rollout is not None and service.status == "ACTIVE" and deployment is not rollout.green and rollout.keeps_blue()
    )


def holds_completion(service: Service) -> bool:
    rollout = rollout_of(service)
    return rollout is not None and rollout.stage != "CLEAN_UP"


def validate(fields: dict[str, Any]) -> None:
    """What ECS refuses in CreateService/UpdateService for these strategies (emulator's words)."""
    configuration = fields.get("deploymentConfiguration") or {}
    name = configuration.get("strategy") or "ROLLING"
    controller = (fields.get("deploymentController") or {}).get("type", "ECS")
    if name != "ROLLING" and controller != "ECS":
        raise InvalidParameterException(
            f"The {name} deployment strategy requires the ECS deployment controller."
        )
    _range(configuration.get("bakeTimeInMinutes"), 0, 1440, "bakeTimeInMinutes")
    linear = configuration.get("linearConfiguration") or {}
    _range(linear.get("stepPercent"), 3.0, 100.0, "linearConfiguration.stepPercent")
    _range(linear.get("stepBakeTimeInMinutes"), 0, 1440, "linearConfiguration.stepBakeTimeInMinutes")
    canary = configuration.get("canaryConfiguration") or {}
    _range(canary.get("canaryPercent"), 0.1, 100.0, "canaryConfiguration.canaryPercent")
    _range(canary.get("canaryBakeTimeInMinutes"), 0, 1440, "canaryConfiguration.canaryBakeTimeInMinutes")
    lifecycle_hooks.validate(configuration.get("lifecycleHooks"))
    if name not in NATIVE:
        return
    for balancer in fields.get("loadBalancers") or []:
        advanced = balancer.get("advancedConfiguration") or {}
        for member in ("alternateTargetGroupArn", "productionListenerRule", "roleArn"):
            if not advanced.get(member):
                raise InvalidParameterException(
                    f"loadBalancers.advancedConfiguration.{member} is required for the {name} deployment strategy."
                )
        for member in ("productionListenerRule", "testListenerRule"):
            if advanced.get(member) and not listener_traffic.exists(advanced[member]):
                raise InvalidParameterException(f"The listener or listener rule {advanced[member]} does not exist.")


def _range(value: Any, low: float, high: float, member: str) -> None:
    if value is None:
        return
    if not low <= float(value) <= high or math.isnan(float(value)):
        raise InvalidParameterException(f"deploymentConfiguration.{member} must be between {low:g} and {high:g}.")
