// Kubernetes' API reference descriptions (first sentences) of the fields of a pod's volumes and their sources, generated once
// from the v1 models of @kubernetes/client-node beside volumeSchema.ts. Keyed like FIELD_DOCS (fieldDocs.ts),
// which holds them with the hand-written ones.
export const VOLUME_FIELD_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'v1.AWSElasticBlockStoreVolumeSource': {
    fsType: 'fsType is the filesystem type of the volume that you want to mount.',
    partition: 'partition is the partition in the volume that you want to mount.',
    readOnly: 'readOnly value true will force the readOnly setting in VolumeMounts.',
    volumeID: 'volumeID is unique ID of the persistent disk resource in AWS (Amazon EBS volume).',
  },
  'v1.AzureDiskVolumeSource': {
    cachingMode: 'cachingMode is the Host Caching mode: None, Read Only, Read Write.',
    diskName: 'diskName is the Name of the data disk in the blob storage',
    diskURI: 'diskURI is the URI of data disk in the blob storage',
    fsType: 'fsType is Filesystem type to mount.',
    kind: 'kind expected values are Shared: multiple blob disks per storage account Dedicated: single blob disk per storage account Managed: azure managed data disk (only in managed availability set). defaults to shared',
    readOnly: 'readOnly Defaults to false (read/write).',
  },
  'v1.AzureFileVolumeSource': {
    readOnly: 'readOnly defaults to false (read/write).',
    secretName: 'secretName is the name of secret that contains Azure Storage Account Name and Key',
    shareName: 'shareName is the azure share Name',
  },
  'v1.CephFSVolumeSource': {
    monitors:
      'monitors is Required: Monitors is a collection of Ceph monitors More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it',
    path: 'path is Optional: Used as the mounted root, rather than the full Ceph tree, default is /',
    readOnly: 'readOnly is Optional: Defaults to false (read/write).',
    secretFile:
      'secretFile is Optional: SecretFile is the path to key ring for User, default is /etc/ceph/user.secret More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    user: 'user is optional: User is the rados user name, default is admin More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it',
  },
  'v1.CinderVolumeSource': {
    fsType: 'fsType is the filesystem type to mount.',
    readOnly: 'readOnly defaults to false (read/write).',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    volumeID: 'volumeID used to identify the volume in cinder.',
  },
  'v1.KeyToPath': {
    key: 'key is the key to project.',
    mode: 'mode is Optional: mode bits used to set permissions on this file.',
    path: 'path is the relative path of the file to map the key to.',
  },
  'v1.ConfigMapVolumeSource': {
    defaultMode:
      'defaultMode is optional: mode bits used to set permissions on created files by default.',
    items:
      'items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value.',
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'optional specify whether the ConfigMap or its keys must be defined',
  },
  'v1.CSIVolumeSource': {
    driver: 'driver is the name of the CSI driver that handles this volume.',
    fsType: 'fsType to mount. Ex. "ext4", "xfs", "ntfs".',
    nodePublishSecretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    readOnly: 'readOnly specifies a read-only configuration for the volume.',
    volumeAttributes:
      'volumeAttributes stores driver-specific properties that are passed to the CSI driver.',
  },
  'v1.DownwardAPIVolumeFile': {
    fieldRef: 'ObjectFieldSelector selects an APIVersioned field of an object.',
    mode: 'Optional: mode bits used to set permissions on this file, must be an octal value between 0000 and 0777 or a decimal value between 0 and 511.',
    path: 'Required: Path is the relative path name of the file to be created.',
    resourceFieldRef:
      'ResourceFieldSelector represents container resources (cpu, memory) and their output format',
  },
  'v1.DownwardAPIVolumeSource': {
    defaultMode: 'Optional: mode bits to use on created files by default.',
    items: 'Items is a list of downward API volume file',
  },
  'v1.EmptyDirVolumeSource': {
    medium: 'medium represents what type of storage medium should back this directory.',
    sizeLimit: 'sizeLimit is the total amount of local storage required for this EmptyDir volume.',
  },
  'v1.TypedLocalObjectReference': {
    apiGroup: 'APIGroup is the group for the resource being referenced.',
    kind: 'Kind is the type of resource being referenced',
    name: 'Name is the name of resource being referenced',
  },
  'v1.TypedObjectReference': {
    apiGroup: 'APIGroup is the group for the resource being referenced.',
    kind: 'Kind is the type of resource being referenced',
    name: 'Name is the name of resource being referenced',
    namespace:
      "Namespace is the namespace of resource being referenced Note that when a namespace is specified, a gateway.networking.k8s.io/ReferenceGrant object is required in the referent namespace to allow that namespace's owner to accept the reference.",
  },
  'v1.VolumeResourceRequirements': {
    limits: 'Limits describes the maximum amount of compute resources allowed.',
    requests: 'Requests describes the minimum amount of compute resources required.',
  },
  'v1.PersistentVolumeClaimSpec': {
    accessModes: 'accessModes contains the desired access modes the volume should have.',
    dataSource:
      'TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.',
    dataSourceRef:
      'TypedObjectReference contains enough information to let you locate the typed referenced object',
    resources:
      'VolumeResourceRequirements describes the storage resource requirements for a volume.',
    selector: 'A label selector is a label query over a set of resources.',
    storageClassName: 'storageClassName is the name of the StorageClass required by the claim.',
    volumeAttributesClassName:
      'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.',
    volumeMode: 'volumeMode defines what type of volume is required by the claim.',
    volumeName: 'volumeName is the binding reference to the PersistentVolume backing this claim.',
  },
  'v1.PersistentVolumeClaimTemplate': {
    metadata:
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    spec: 'PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes',
  },
  'v1.EphemeralVolumeSource': {
    volumeClaimTemplate:
      'PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.',
  },
  'v1.FCVolumeSource': {
    fsType: 'fsType is the filesystem type to mount.',
    lun: 'lun is Optional: FC target lun number',
    readOnly: 'readOnly is Optional: Defaults to false (read/write).',
    targetWWNs: 'targetWWNs is Optional: FC target worldwide names (WWNs)',
    wwids:
      'wwids Optional: FC volume world wide identifiers (wwids) Either wwids or combination of targetWWNs and lun must be set, but not both simultaneously.',
  },
  'v1.FlexVolumeSource': {
    driver: 'driver is the name of the driver to use for this volume.',
    fsType: 'fsType is the filesystem type to mount.',
    options: 'options is Optional: this field holds extra command options if any.',
    readOnly: 'readOnly is Optional: defaults to false (read/write).',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
  },
  'v1.FlockerVolumeSource': {
    datasetName:
      'datasetName is Name of the dataset stored as metadata -> name on the dataset for Flocker should be considered as deprecated',
    datasetUUID: 'datasetUUID is the UUID of the dataset.',
  },
  'v1.GCEPersistentDiskVolumeSource': {
    fsType: 'fsType is filesystem type of the volume that you want to mount.',
    partition: 'partition is the partition in the volume that you want to mount.',
    pdName: 'pdName is unique name of the PD resource in GCE.',
    readOnly: 'readOnly here will force the ReadOnly setting in VolumeMounts.',
  },
  'v1.GitRepoVolumeSource': {
    directory: 'directory is the target directory name.',
    repository: 'repository is the URL',
    revision: 'revision is the commit hash for the specified revision.',
  },
  'v1.GlusterfsVolumeSource': {
    endpoints: 'endpoints is the endpoint name that details Glusterfs topology.',
    path: 'path is the Glusterfs volume path.',
    readOnly:
      'readOnly here will force the Glusterfs volume to be mounted with read-only permissions.',
  },
  'v1.HostPathVolumeSource': {
    path: 'path of the directory on the host.',
    type: 'type for HostPath Volume Defaults to "" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
  },
  'v1.ImageVolumeSource': {
    pullPolicy: 'Policy for pulling OCI objects.',
    reference: 'Required: Image or artifact reference to be used.',
  },
  'v1.ISCSIVolumeSource': {
    chapAuthDiscovery:
      'chapAuthDiscovery defines whether support iSCSI Discovery CHAP authentication',
    chapAuthSession: 'chapAuthSession defines whether support iSCSI Session CHAP authentication',
    fsType: 'fsType is the filesystem type of the volume that you want to mount.',
    initiatorName: 'initiatorName is the custom iSCSI Initiator Name.',
    iqn: 'iqn is the target iSCSI Qualified Name.',
    iscsiInterface: 'iscsiInterface is the interface Name that uses an iSCSI transport.',
    lun: 'lun represents iSCSI Target Lun number.',
    portals: 'portals is the iSCSI Target Portal List.',
    readOnly: 'readOnly here will force the ReadOnly setting in VolumeMounts.',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    targetPortal: 'targetPortal is iSCSI Target Portal.',
  },
  'v1.NFSVolumeSource': {
    path: 'path that is exported by the NFS server.',
    readOnly: 'readOnly here will force the NFS export to be mounted with read-only permissions.',
    server: 'server is the hostname or IP address of the NFS server.',
  },
  'v1.PersistentVolumeClaimVolumeSource': {
    claimName:
      'claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume.',
    readOnly: 'readOnly Will force the ReadOnly setting in VolumeMounts.',
  },
  'v1.PhotonPersistentDiskVolumeSource': {
    fsType: 'fsType is the filesystem type to mount.',
    pdID: 'pdID is the ID that identifies Photon Controller persistent disk',
  },
  'v1.PortworxVolumeSource': {
    fsType:
      'fSType represents the filesystem type to mount Must be a filesystem type supported by the host operating system.',
    readOnly: 'readOnly defaults to false (read/write).',
    volumeID: 'volumeID uniquely identifies a Portworx volume',
  },
  'v1.ClusterTrustBundleProjection': {
    labelSelector: 'A label selector is a label query over a set of resources.',
    name: 'Select a single ClusterTrustBundle by object name.',
    optional:
      "If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available.",
    path: 'Relative path from the volume root to write the bundle.',
    signerName: 'Select all ClusterTrustBundles that match this signer name.',
  },
  'v1.ConfigMapProjection': {
    items:
      'items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value.',
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'optional specify whether the ConfigMap or its keys must be defined',
  },
  'v1.DownwardAPIProjection': {
    items: 'Items is a list of DownwardAPIVolume file',
  },
  'v1.SecretProjection': {
    items:
      'items if unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value.',
    name: 'Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.',
    optional: 'optional field specify whether the Secret or its key must be defined',
  },
  'v1.ServiceAccountTokenProjection': {
    audience: 'audience is the intended audience of the token.',
    expirationSeconds:
      'expirationSeconds is the requested duration of validity of the service account token.',
    path: 'path is the path relative to the mount point of the file to project the token into.',
  },
  'v1.VolumeProjection': {
    clusterTrustBundle:
      'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.',
    configMap: 'Adapts a ConfigMap into a projected volume.',
    downwardAPI: 'Represents downward API info for projecting into a projected volume.',
    secret: 'Adapts a secret into a projected volume.',
    serviceAccountToken:
      'ServiceAccountTokenProjection represents a projected service account token volume.',
  },
  'v1.ProjectedVolumeSource': {
    defaultMode:
      'defaultMode are the mode bits used to set permissions on created files by default.',
    sources: 'sources is the list of volume projections.',
  },
  'v1.QuobyteVolumeSource': {
    group: 'group to map volume access to Default is no group',
    readOnly:
      'readOnly here will force the Quobyte volume to be mounted with read-only permissions.',
    registry:
      'registry represents a single or multiple Quobyte Registry services specified as a string as host:port pair (multiple entries are separated with commas) which acts as the central registry for volumes',
    tenant:
      'tenant owning the given Quobyte volume in the Backend Used with dynamically provisioned Quobyte volumes, value is set by the plugin',
    user: 'user to map volume access to Defaults to serivceaccount user',
    volume: 'volume is a string that references an already created Quobyte volume by name.',
  },
  'v1.RBDVolumeSource': {
    fsType: 'fsType is the filesystem type of the volume that you want to mount.',
    image: 'image is the rados image name.',
    keyring: 'keyring is the path to key ring for RBDUser.',
    monitors: 'monitors is a collection of Ceph monitors.',
    pool: 'pool is the rados pool name.',
    readOnly: 'readOnly here will force the ReadOnly setting in VolumeMounts.',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    user: 'user is the rados user name.',
  },
  'v1.ScaleIOVolumeSource': {
    fsType: 'fsType is the filesystem type to mount.',
    gateway: 'gateway is the host address of the ScaleIO API Gateway.',
    protectionDomain:
      'protectionDomain is the name of the ScaleIO Protection Domain for the configured storage.',
    readOnly: 'readOnly Defaults to false (read/write).',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    sslEnabled: 'sslEnabled Flag enable/disable SSL communication with Gateway, default false',
    storageMode:
      'storageMode indicates whether the storage for a volume should be ThickProvisioned or ThinProvisioned.',
    storagePool: 'storagePool is the ScaleIO Storage Pool associated with the protection domain.',
    system: 'system is the name of the storage system as configured in ScaleIO.',
    volumeName:
      'volumeName is the name of a volume already created in the ScaleIO system that is associated with this volume source.',
  },
  'v1.SecretVolumeSource': {
    defaultMode:
      'defaultMode is Optional: mode bits used to set permissions on created files by default.',
    items:
      'items If unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value.',
    optional: 'optional field specify whether the Secret or its keys must be defined',
    secretName: "secretName is the name of the secret in the pod's namespace to use.",
  },
  'v1.StorageOSVolumeSource': {
    fsType: 'fsType is the filesystem type to mount.',
    readOnly: 'readOnly defaults to false (read/write).',
    secretRef:
      'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
    volumeName: 'volumeName is the human-readable name of the StorageOS volume.',
    volumeNamespace: 'volumeNamespace specifies the scope of the volume within StorageOS.',
  },
  'v1.VsphereVirtualDiskVolumeSource': {
    fsType: 'fsType is filesystem type to mount.',
    storagePolicyID:
      'storagePolicyID is the storage Policy Based Management (SPBM) profile ID associated with the StoragePolicyName.',
    storagePolicyName:
      'storagePolicyName is the storage Policy Based Management (SPBM) profile name.',
    volumePath: 'volumePath is the path that identifies vSphere volume vmdk',
  },
  'v1.Volume': {
    awsElasticBlockStore: 'Represents a Persistent Disk resource in AWS.',
    azureDisk:
      'AzureDisk represents an Azure Data Disk mount on the host and bind mount to the pod.',
    azureFile:
      'AzureFile represents an Azure File Service mount on the host and bind mount to the pod.',
    cephfs:
      'Represents a Ceph Filesystem mount that lasts the lifetime of a pod Cephfs volumes do not support ownership management or SELinux relabeling.',
    cinder: 'Represents a cinder volume resource in Openstack.',
    configMap: 'Adapts a ConfigMap into a volume.',
    csi: 'Represents a source location of a volume to mount, managed by an external CSI driver',
    downwardAPI: 'DownwardAPIVolumeSource represents a volume containing downward API info.',
    emptyDir: 'Represents an empty directory for a pod.',
    ephemeral: 'Represents an ephemeral volume that is handled by a normal storage driver.',
    fc: 'Represents a Fibre Channel volume.',
    flexVolume:
      'FlexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin.',
    flocker: 'Represents a Flocker volume mounted by the Flocker agent.',
    gcePersistentDisk: 'Represents a Persistent Disk resource in Google Compute Engine.',
    gitRepo: 'Represents a volume that is populated with the contents of a git repository.',
    glusterfs: 'Represents a Glusterfs mount that lasts the lifetime of a pod.',
    hostPath: 'Represents a host path mapped into a pod.',
    image: 'ImageVolumeSource represents a image volume resource.',
    iscsi: 'Represents an ISCSI disk.',
    name: 'name of the volume. Must be a DNS_LABEL and unique within the pod.',
    nfs: 'Represents an NFS mount that lasts the lifetime of a pod.',
    persistentVolumeClaim:
      "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.",
    photonPersistentDisk: 'Represents a Photon Controller persistent disk resource.',
    portworxVolume: 'PortworxVolumeSource represents a Portworx volume resource.',
    projected: 'Represents a projected volume source',
    quobyte: 'Represents a Quobyte mount that lasts the lifetime of a pod.',
    rbd: 'Represents a Rados Block Device mount that lasts the lifetime of a pod.',
    scaleIO: 'ScaleIOVolumeSource represents a persistent ScaleIO volume',
    secret: 'Adapts a Secret into a volume.',
    storageos: 'Represents a StorageOS persistent volume resource.',
    vsphereVolume: 'Represents a vSphere volume resource.',
  },
};
