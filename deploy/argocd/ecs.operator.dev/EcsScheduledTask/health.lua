-- Argo CD health of an EcsScheduledTask (a schedule or an event rule that starts ECS tasks), read
-- from the operator's kstatus conditions as for the other kinds:
--   status not written for this generation yet      -> Progressing
--   Reconciling=True (waiting for its EcsTaskDefinition
--     or EcsCluster)                                 -> Progressing, with its message
--   Stalled=True (a schedule or rule it does not own,
--     an invalid expression or pattern, IAM denied)  -> Degraded, with the operator's message
--   Paused=True (annotation ecs.operator.dev/paused) -> Suspended, with its message
--   Ready=True and spec.state DISABLED               -> Suspended: the schedule or rule starts nothing
--   Ready=True                                       -> Healthy
--   anything else                                    -> Progressing
-- A task the schedule started that failed does not make the object Degraded: the next firing is
-- a new run, as with a Kubernetes CronJob. Only base functions and table are used (argocd-cm
-- customizations run without Lua's standard libraries).

local function find(conditionType)
  for _, c in ipairs(obj.status.conditions or {}) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(conditionType)
  local c = find(conditionType)
  return c ~= nil and c.status == "True"
end

local function said(c)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return c.reason or ""
end

if obj.status == nil then
  return { status = "Progressing", message = "Waiting for the operator to create or adopt the schedule or rule" }
end

local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  return { status = "Progressing", message = "Waiting for the operator to reconcile generation " .. tostring(generation) }
end

-- The paused annotation holds back every AWS write: changes to the schedule or rule wait until it is removed.
if isTrue("Paused") then
  return { status = "Suspended", message = said(find("Paused")) }
end
if isTrue("Reconciling") then
  return { status = "Progressing", message = said(find("Reconciling")) }
end
if isTrue("Stalled") then
  return { status = "Degraded", message = said(find("Stalled")) }
end

local ready = find("Ready")
if ready == nil then
  return { status = "Progressing", message = "Waiting for the operator to report readiness" }
end
if ready.status ~= "True" then
  return { status = "Progressing", message = said(ready) }
end

local message = said(ready)
if isTrue("Drifted") then
  message = message .. "; " .. said(find("Drifted"))
end
if obj.spec.state == "DISABLED" then
  return { status = "Suspended", message = "spec.state is DISABLED: no task is started; " .. message }
end
return { status = "Healthy", message = message }
