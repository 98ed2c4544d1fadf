-- Argo CD health of an EcsAccount (the cluster-scoped mapping of namespaces to an IAM role), from
-- the conditions the operator writes for it: Ready and Stalled, with Reconciling always False (an
-- account has nothing in progress: each look assumes the role again and is done).
--   status not written for this generation yet    -> Progressing
--   Stalled=True (the role cannot be assumed, so
--     its namespaces' objects are refused with
--     AccountUnavailable; a namespace another
--     EcsAccount claims too)                     -> Degraded, with the operator's message
--   Ready=True (role assumed)                     -> Healthy, with its message
--   anything else                                 -> Progressing
-- No Suspended: the paused annotation holds back AWS writes, and an EcsAccount makes none.
-- Only base functions (ipairs, tostring) are used: argocd-cm scripts run without the standard libraries.

local conditions = {}
if obj.status ~= nil then
  for _, c in ipairs(obj.status.conditions or {}) do
    conditions[c.type] = c
  end
end

local function said(c)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return c.reason or ""
end

local function holds(conditionType)
  local c = conditions[conditionType]
  return c ~= nil and c.status == "True"
end

if obj.status == nil then
  return { status = "Progressing", message = "Waiting for the operator to assume the role" }
end

local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  return { status = "Progressing", message = "Waiting for the operator to reconcile generation " .. tostring(generation) }
end

if holds("Stalled") then
  return { status = "Degraded", message = said(conditions["Stalled"]) }
end
if holds("Ready") then
  return { status = "Healthy", message = said(conditions["Ready"]) }
end
if conditions["Ready"] ~= nil then
  return { status = "Progressing", message = said(conditions["Ready"]) }
end
return { status = "Progressing", message = "Waiting for the operator to report whether the role can be assumed" }
