-- Argo CD health of an EcsTaskDefinition, read from the operator's kstatus conditions the way
-- kstatus (Flux, kpt, cli-utils) reads them, so every tool tells the same story:
--   status not written for this generation yet  -> Progressing
--   Paused=True (annotation ecs.operator.dev/
--     paused: "true")                            -> Suspended, with its message
--   Reconciling=True                             -> Progressing, with its message
--   Stalled=True                                 -> Degraded, with the operator's message
--   Ready=True                                   -> Healthy
--   anything else                                -> Progressing
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

if obj.status == nil then
  return { status = "Progressing", message = "Waiting for the operator to register the task definition" }
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
  return { status = "Healthy", message = withReportedDrift(messageOf(ready)) }
end
if ready ~= nil then
  return { status = "Progressing", message = messageOf(ready) }
end
return { status = "Progressing", message = "Waiting for the operator to report readiness" }
