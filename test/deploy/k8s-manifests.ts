/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; file: string } & Record<string, any>;

const isSubset = (small: Record<string, string> = {}, big: Record<string, string> = {}) => Object.keys(small).length > 0 && Object.entries(small).every(([k, v]) => big[k] === v);

/** What each kind we ship requires (the fields the API server would reject without), and references between objects. */
export function checkManifests(all: Manifest[]): string[] {
  const problems: string[] = [];
  const has = (kind: string, name: string) => all.some((m) => m.kind === kind && m.metadata?.name === name);
  const podLabels = all.filter((m) => m.kind === 'Deployment').map((d) => d.spec?.template?.metadata?.labels);
  const need = (m: Manifest, ok: unknown, what: string) => {
    if (!ok) problems.push(`${m.file}: ${m.kind ?? '?'} ${m.metadata?.name ?? '?'}: ${what}`);
  };
  const checkPod = (m: Manifest, pod: any) => {
    need(m, Array.isArray(pod?.containers) && pod.containers.length > 0, 'has containers');
    for (const c of pod?.containers ?? []) {
      need(m, c.name && c.image, 'every container has a name and an image');
      for (const from of c.envFrom ?? []) {
        if (from.secretRef) need(m, has('Secret', from.secretRef.name), `Secret ${from.secretRef.name} exists`);
        if (from.configMapRef) need(m, has('ConfigMap', from.configMapRef.name), `ConfigMap ${from.configMapRef.name} exists`);
      }
    }
  };
  for (const m of all) {
    need(m, m.apiVersion && m.kind && m.metadata?.name, 'has apiVersion, kind and metadata.name');
    switch (m.kind) {
      case 'Deployment':
        need(m, m.apiVersion === 'apps/v1', 'apiVersion apps/v1');
        need(m, isSubset(m.spec?.selector?.matchLabels, m.spec?.template?.metadata?.labels), 'selector matches the pod template labels');
        checkPod(m, m.spec?.template?.spec);
        break;
      case 'Job':
        need(m, m.apiVersion === 'batch/v1', 'apiVersion batch/v1');
        need(m, ['Never', 'OnFailure'].includes(m.spec?.template?.spec?.restartPolicy), 'restartPolicy Never or OnFailure');
        checkPod(m, m.spec?.template?.spec);
        break;
      case 'Service':
        need(m, Array.isArray(m.spec?.ports) && m.spec.ports.length > 0, 'has ports');
        need(m, podLabels.some((labels) => isSubset(m.spec?.selector, labels)), 'selects the pods of a Deployment');
        break;
      case 'PodDisruptionBudget':
        need(m, m.apiVersion === 'policy/v1', 'apiVersion policy/v1');
        need(m, (m.spec?.minAvailable === undefined) !== (m.spec?.maxUnavailable === undefined), 'exactly one of minAvailable and maxUnavailable');
        need(m, podLabels.some((labels) => isSubset(m.spec?.selector?.matchLabels, labels)), 'selects the pods of a Deployment');
        break;
      case 'HorizontalPodAutoscaler':
        need(m, m.apiVersion === 'autoscaling/v2', 'apiVersion autoscaling/v2');
        need(m, m.spec?.scaleTargetRef?.kind === 'Deployment' && has('Deployment', m.spec.scaleTargetRef.name), 'scales a Deployment that exists');
        need(m, Number.isInteger(m.spec?.maxReplicas) && (m.spec?.minReplicas ?? 1) <= m.spec.maxReplicas, 'minReplicas ≤ maxReplicas');
        break;
      case 'Secret':
      case 'ConfigMap':
        need(m, m.stringData || m.data, 'has data');
        break;
      case 'Namespace':
        break;
      default:
        problems.push(`${m.file}: unexpected kind ${m.kind}`);
    }
  }
  return problems;
}
