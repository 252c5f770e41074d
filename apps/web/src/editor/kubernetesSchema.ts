import type { JSONSchema } from 'monaco-yaml';
import { kubernetesJsonSchema } from '@l4lab/manifests';

// Completion and hover in the editor (validation comes from @l4lab/manifests itself): the schema is
// built from the validator's own field lists and Kubernetes' API reference descriptions, so the
// editor proposes exactly the fields the validator knows. Bundled: no schema is fetched.
export const kubernetesSchema: JSONSchema = kubernetesJsonSchema();
