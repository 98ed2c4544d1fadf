-- Argo CD health of an EcsService, read from the operator's kstatus conditions the way kstatus
-- (Flux, kpt, cli-utils) reads them, so every tool tells the same story:
--   status not written for this generation yet  -> Progressing
--   Paused=True (annotation ecs.operator.dev/
--     paused: "true")                            -> Suspended, with its message
--   Reconciling=True (e.g. a rollout under way;  -> Progressing, with its message
--     a BLUE_GREEN, LINEAR or CANARY one names
--     its lifecycle stage, e.g. BAKE_TIME, and
--     the traffic the new revision gets)
--   Stalled=True (e.g. the circuit breaker, an
--     alarm or a failed lifecycle hook rolled
--     the deployment back, a missing
--     cluster, IAM denied, a rollout past its
--     progressDeadlineSeconds while ECS keeps
--     trying: ProgressDeadlineExceeded)          -> Degraded, with the operator's message
--   Ready=True, autoscaling entirely suspended   -> Suspended
--   Ready=True                                   -> Healthy (with Drifted=True under
--                                                   driftPolicy Report: Healthy, and the
--                                                   message names what differs)
--   anything else                                -> Progressing
-- The operator judges a rollout by the deployment it started, so a rolled-back deployment that
-- leaves the previous tasks running is Degraded here, not Healthy.
-- Argo CD runs customizations from argocd-cm without Lua's standard libraries: only base
-- functions (ipairs, tostring) and table are used here.

local function condition(conditionType)
  for _, c in ipairs(obj.status.conditions or {}) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function messageOf(c)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return c.reason or ""
end

-- Drift under driftPolicy Report is left in place on purpose, so the object stays Healthy, but the
-- message says what differs: in Argo CD it is seen where the health is.
local function withReportedDrift(message)
  local drifted = condition("Drifted")
  if drifted ~= nil and drifted.status == "True" then
    return message .. "; " .. messageOf(drifted)
  end
  return message
end

-- Scale-in, scale-out and scheduled scaling all paused: the service runs, but nothing will
-- change its task count until someone lifts the suspension.
local function autoscalingSuspended()
  local autoscaling = obj.spec and obj.spec.autoscaling
  if autoscaling == nil or autoscaling.suspended == nil then
    return false
  end
  local s = autoscaling.suspended
  return s.dynamicScalingInSuspended == true and s.dynamicScalingOutSuspended == true and s.scheduledScalingSuspended == true
end

if obj.status == nil then
  return { status = "Progressing", message = "Waiting for the operator to create or adopt the ECS service" }
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  return { status = "Progressing", message = "Waiting for the operator to reconcile generation " .. tostring(generation) }
end

-- The paused annotation holds back every AWS write: whatever else the status says, nothing the
-- manifest asks will happen until it is removed.
local paused = condition("Paused")
if paused ~= nil and paused.status == "True" then
  return { status = "Suspended", message = messageOf(paused) }
end

local reconciling = condition("Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  return { status = "Progressing", message = messageOf(reconciling) }
end

local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  return { status = "Degraded", message = messageOf(stalled) }
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  if autoscalingSuspended() then
    return { status = "Suspended", message = withReportedDrift("Autoscaling is suspended (scale-in, scale-out and scheduled actions): " .. messageOf(ready)) }
  end
  return { status = "Healthy", message = withReportedDrift(messageOf(ready)) }
end
if ready ~= nil then
  return { status = "Progressing", message = messageOf(ready) }
end
return { status = "Progressing", message = "Waiting for the operator to report readiness" }
