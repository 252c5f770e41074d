// @l4lab/manifests: what kubectl and the API server's validation do with a YAML text.
// Runs in the browser (the editor's markers) and in the server (POST /api/apply) with the same results.
//
// API (stable; the web app and the server code against it):
//   parseManifests(text)   -> { documents, errors }       multi-document YAML -> plain objects with positions
//   checkManifests(text)   -> { objects, errors, warnings } parse + validate + default; objects are ready to apply
//   validateObject(obj)    -> FieldError[]                 Kubernetes validation of one object (no positions)
//   applyDefaults(obj)     -> KubeObject                   Kubernetes defaulting (type ClusterIP, protocol TCP, ...)
//   dropTypeDependentFields(next, old) -> object             a Service update's fields its new type drops
//   formatFieldError(e)    -> string                       `<path>: <Type>: <value>: <detail>`
//   kubernetesJsonSchema() -> JsonSchema                   the editor's schema, from the validator's field lists
export * from './types.ts';
export { parseManifests } from './parse.ts';
export { checkManifests } from './check.ts';
export { validateObject } from './validate.ts';
export {
  generatedJobSelector,
  JOB_CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_JOB_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from './validateJob.ts';
export { validateNodeUpdate, type NodeEdit } from './validateNodeUpdate.ts';
export { applyDefaults } from './defaults.ts';
export { podIsolation, policySelects, policyTypesOf } from './networkPolicyScope.ts';
export { dropTypeDependentFields } from './serviceUpdate.ts';
export { formatFieldError } from './fieldError.ts';
export { isDNS1123Label } from './names.ts';
export { kubernetesJsonSchema, type JsonSchema } from './jsonSchema.ts';
