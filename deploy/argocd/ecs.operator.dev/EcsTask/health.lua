-- Argo CD health of an EcsTask (tasks run to completion once per generation), from the operator's
-- kstatus conditions. An Argo CD hook (PreSync: a database migration before a rollout) that is
-- not a Pod or a Job succeeds when Healthy and fails the sync when Degraded:
--   status not written for this generation yet     -> Progressing
--   Reconciling=True (tasks running, or waiting for
--     the task definition's revision or the cluster) -> Progressing, with its message
--   Stalled=True (a container exited non-zero, a
--     task failed to start, activeDeadlineSeconds
--     exceeded, RunTask refused)                     -> Degraded, with the operator's message
--   Paused=True (annotation ecs.operator.dev/
--     paused: "true")                            -> Suspended, with its message
--   Ready=True (every task exited 0)                 -> Healthy
--   anything else                                    -> Progressing
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
  return { status = "Progressing", message = "Waiting for the operator to start the task(s)" }
end

local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  return { status = "Progressing", message = "Waiting for the operator to run generation " .. tostring(generation) }
end

-- The paused annotation holds back every AWS write: a new generation's tasks are not started and
-- tasks past activeDeadlineSeconds are not stopped until it is removed.
if holds("Paused") then
  return { status = "Suspended", message = said(conditions["Paused"]) }
end
if holds("Reconciling") then
  return { status = "Progressing", message = said(conditions["Reconciling"]) }
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
return { status = "Progressing", message = "Waiting for the operator to report how the run stands" }
