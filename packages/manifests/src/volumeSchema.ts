// A pod's volumes and their sources.
// Generated once from the Kubernetes OpenAPI (the v1 models of @kubernetes/client-node, less what
// v1.32 does not have), with the Go names of named types (v1.Protocol, v1.ResourceList) that the
// API server's decoding errors print. Edit by hand from here on; descriptions: volumeFieldDocs.ts.
import {
  arr,
  bool,
  int32,
  int64,
  map,
  named,
  obj,
  quantity,
  resourceList,
  str,
  strings,
} from './schemaTypes.ts';
import {
  labelSelector,
  localObjectReference,
  objectFieldSelector,
  objectMeta,
  resourceFieldSelector,
} from './metaSchema.ts';

export const awsElasticBlockStoreVolumeSource = obj('v1.AWSElasticBlockStoreVolumeSource', {
  fsType: str,
  partition: int32,
  readOnly: bool,
  volumeID: str,
});

export const azureDiskVolumeSource = obj('v1.AzureDiskVolumeSource', {
  cachingMode: named('v1.AzureDataDiskCachingMode'),
  diskName: str,
  diskURI: str,
  fsType: str,
  kind: named('v1.AzureDataDiskKind'),
  readOnly: bool,
});

export const azureFileVolumeSource = obj('v1.AzureFileVolumeSource', {
  readOnly: bool,
  secretName: str,
  shareName: str,
});

export const cephFSVolumeSource = obj('v1.CephFSVolumeSource', {
  monitors: strings,
  path: str,
  readOnly: bool,
  secretFile: str,
  secretRef: localObjectReference,
  user: str,
});

export const cinderVolumeSource = obj('v1.CinderVolumeSource', {
  fsType: str,
  readOnly: bool,
  secretRef: localObjectReference,
  volumeID: str,
});

export const keyToPath = obj('v1.KeyToPath', {
  key: str,
  mode: int32,
  path: str,
});

export const configMapVolumeSource = obj('v1.ConfigMapVolumeSource', {
  defaultMode: int32,
  items: arr(keyToPath),
  name: str,
  optional: bool,
});

export const csiVolumeSource = obj('v1.CSIVolumeSource', {
  driver: str,
  fsType: str,
  nodePublishSecretRef: localObjectReference,
  readOnly: bool,
  volumeAttributes: map(str),
});

export const downwardAPIVolumeFile = obj('v1.DownwardAPIVolumeFile', {
  fieldRef: objectFieldSelector,
  mode: int32,
  path: str,
  resourceFieldRef: resourceFieldSelector,
});

export const downwardAPIVolumeSource = obj('v1.DownwardAPIVolumeSource', {
  defaultMode: int32,
  items: arr(downwardAPIVolumeFile),
});

export const emptyDirVolumeSource = obj('v1.EmptyDirVolumeSource', {
  medium: named('v1.StorageMedium'),
  sizeLimit: quantity,
});

export const typedLocalObjectReference = obj('v1.TypedLocalObjectReference', {
  apiGroup: str,
  kind: str,
  name: str,
});

export const typedObjectReference = obj('v1.TypedObjectReference', {
  apiGroup: str,
  kind: str,
  name: str,
  namespace: str,
});

export const volumeResourceRequirements = obj('v1.VolumeResourceRequirements', {
  limits: resourceList,
  requests: resourceList,
});

export const persistentVolumeClaimSpec = obj('v1.PersistentVolumeClaimSpec', {
  accessModes: arr(named('v1.PersistentVolumeAccessMode')),
  dataSource: typedLocalObjectReference,
  dataSourceRef: typedObjectReference,
  resources: volumeResourceRequirements,
  selector: labelSelector,
  storageClassName: str,
  volumeAttributesClassName: str,
  volumeMode: named('v1.PersistentVolumeMode'),
  volumeName: str,
});

export const persistentVolumeClaimTemplate = obj('v1.PersistentVolumeClaimTemplate', {
  metadata: objectMeta,
  spec: persistentVolumeClaimSpec,
});

export const ephemeralVolumeSource = obj('v1.EphemeralVolumeSource', {
  volumeClaimTemplate: persistentVolumeClaimTemplate,
});

export const fcVolumeSource = obj('v1.FCVolumeSource', {
  fsType: str,
  lun: int32,
  readOnly: bool,
  targetWWNs: strings,
  wwids: strings,
});

export const flexVolumeSource = obj('v1.FlexVolumeSource', {
  driver: str,
  fsType: str,
  options: map(str),
  readOnly: bool,
  secretRef: localObjectReference,
});

export const flockerVolumeSource = obj('v1.FlockerVolumeSource', {
  datasetName: str,
  datasetUUID: str,
});

export const gcePersistentDiskVolumeSource = obj('v1.GCEPersistentDiskVolumeSource', {
  fsType: str,
  partition: int32,
  pdName: str,
  readOnly: bool,
});

export const gitRepoVolumeSource = obj('v1.GitRepoVolumeSource', {
  directory: str,
  repository: str,
  revision: str,
});

export const glusterfsVolumeSource = obj('v1.GlusterfsVolumeSource', {
  endpoints: str,
  path: str,
  readOnly: bool,
});

export const hostPathVolumeSource = obj('v1.HostPathVolumeSource', {
  path: str,
  type: named('v1.HostPathType'),
});

export const imageVolumeSource = obj('v1.ImageVolumeSource', {
  pullPolicy: named('v1.PullPolicy'),
  reference: str,
});

export const iscsiVolumeSource = obj('v1.ISCSIVolumeSource', {
  chapAuthDiscovery: bool,
  chapAuthSession: bool,
  fsType: str,
  initiatorName: str,
  iqn: str,
  iscsiInterface: str,
  lun: int32,
  portals: strings,
  readOnly: bool,
  secretRef: localObjectReference,
  targetPortal: str,
});

export const nfsVolumeSource = obj('v1.NFSVolumeSource', {
  path: str,
  readOnly: bool,
  server: str,
});

export const persistentVolumeClaimVolumeSource = obj('v1.PersistentVolumeClaimVolumeSource', {
  claimName: str,
  readOnly: bool,
});

export const photonPersistentDiskVolumeSource = obj('v1.PhotonPersistentDiskVolumeSource', {
  fsType: str,
  pdID: str,
});

export const portworxVolumeSource = obj('v1.PortworxVolumeSource', {
  fsType: str,
  readOnly: bool,
  volumeID: str,
});

export const clusterTrustBundleProjection = obj('v1.ClusterTrustBundleProjection', {
  labelSelector: labelSelector,
  name: str,
  optional: bool,
  path: str,
  signerName: str,
});

export const configMapProjection = obj('v1.ConfigMapProjection', {
  items: arr(keyToPath),
  name: str,
  optional: bool,
});

export const downwardAPIProjection = obj('v1.DownwardAPIProjection', {
  items: arr(downwardAPIVolumeFile),
});

export const secretProjection = obj('v1.SecretProjection', {
  items: arr(keyToPath),
  name: str,
  optional: bool,
});

export const serviceAccountTokenProjection = obj('v1.ServiceAccountTokenProjection', {
  audience: str,
  expirationSeconds: int64,
  path: str,
});

export const volumeProjection = obj('v1.VolumeProjection', {
  clusterTrustBundle: clusterTrustBundleProjection,
  configMap: configMapProjection,
  downwardAPI: downwardAPIProjection,
  secret: secretProjection,
  serviceAccountToken: serviceAccountTokenProjection,
});

export const projectedVolumeSource = obj('v1.ProjectedVolumeSource', {
  defaultMode: int32,
  sources: arr(volumeProjection),
});

export const quobyteVolumeSource = obj('v1.QuobyteVolumeSource', {
  group: str,
  readOnly: bool,
  registry: str,
  tenant: str,
  user: str,
  volume: str,
});

export const rbdVolumeSource = obj('v1.RBDVolumeSource', {
  fsType: str,
  image: str,
  keyring: str,
  monitors: strings,
  pool: str,
  readOnly: bool,
  secretRef: localObjectReference,
  user: str,
});

export const scaleIOVolumeSource = obj('v1.ScaleIOVolumeSource', {
  fsType: str,
  gateway: str,
  protectionDomain: str,
  readOnly: bool,
  secretRef: localObjectReference,
  sslEnabled: bool,
  storageMode: str,
  storagePool: str,
  system: str,
  volumeName: str,
});

export const secretVolumeSource = obj('v1.SecretVolumeSource', {
  defaultMode: int32,
  items: arr(keyToPath),
  optional: bool,
  secretName: str,
});

export const storageOSVolumeSource = obj('v1.StorageOSVolumeSource', {
  fsType: str,
  readOnly: bool,
  secretRef: localObjectReference,
  volumeName: str,
  volumeNamespace: str,
});

export const vsphereVirtualDiskVolumeSource = obj('v1.VsphereVirtualDiskVolumeSource', {
  fsType: str,
  storagePolicyID: str,
  storagePolicyName: str,
  volumePath: str,
});

export const volume = obj('v1.Volume', {
  awsElasticBlockStore: awsElasticBlockStoreVolumeSource,
  azureDisk: azureDiskVolumeSource,
  azureFile: azureFileVolumeSource,
  cephfs: cephFSVolumeSource,
  cinder: cinderVolumeSource,
  configMap: configMapVolumeSource,
  csi: csiVolumeSource,
  downwardAPI: downwardAPIVolumeSource,
  emptyDir: emptyDirVolumeSource,
  ephemeral: ephemeralVolumeSource,
  fc: fcVolumeSource,
  flexVolume: flexVolumeSource,
  flocker: flockerVolumeSource,
  gcePersistentDisk: gcePersistentDiskVolumeSource,
  gitRepo: gitRepoVolumeSource,
  glusterfs: glusterfsVolumeSource,
  hostPath: hostPathVolumeSource,
  image: imageVolumeSource,
  iscsi: iscsiVolumeSource,
  name: str,
  nfs: nfsVolumeSource,
  persistentVolumeClaim: persistentVolumeClaimVolumeSource,
  photonPersistentDisk: photonPersistentDiskVolumeSource,
  portworxVolume: portworxVolumeSource,
  projected: projectedVolumeSource,
  quobyte: quobyteVolumeSource,
  rbd: rbdVolumeSource,
  scaleIO: scaleIOVolumeSource,
  secret: secretVolumeSource,
  storageos: storageOSVolumeSource,
  vsphereVolume: vsphereVirtualDiskVolumeSource,
});
