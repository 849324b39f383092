metadata description = 'The SetHub container app: every replica is an Orleans silo and serves HTTP; replicas find each other in the membership table in the storage account and talk to each other on the silo port.'

@description('Name of the container app (also the first label of its default host name).')
param name string

@description('Region.')
param location string

@description('Tags for the app; must include azd-service-name.')
param tags object

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('DNS suffix of the environment (for the default public base URL).')
param environmentDefaultDomain string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Login server of the container registry.')
param registryServer string

@description('Image to run.')
param image string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Blob endpoint of the storage account.')
param blobEndpoint string

@description('Versionless URL of the Key Vault secret holding the master key.')
param masterKeySecretUrl string

@description('Versionless URL of the Key Vault secret holding the operator token.')
param adminTokenSecretUrl string

@description('URLs of Key Vault secrets holding previous master keys, in order (SetHub__PreviousMasterKeys__0, __1, ...).')
param previousMasterKeySecretUrls array

@description('Public base URL; empty for https://<name>.<environmentDefaultDomain>.')
param publicBaseUrl string

@description('Most replicas the app scales out to.')
param maxReplicas int

@description('Concurrent HTTP requests per replica above which a replica is added.')
param httpConcurrency int

// Orleans silo-to-silo TCP port (SetHub__Cluster__SiloPort).
var siloPort = 11111
var httpPort = 8080
var defaultBaseUrl = 'https://${name}.${environmentDefaultDomain}'

var keyVaultSecrets = concat(
  [
    {
      name: 'sethub-master-key'
      keyVaultUrl: masterKeySecretUrl
      identity: identityId
    }
    {
      name: 'sethub-admin-token'
      keyVaultUrl: adminTokenSecretUrl
      identity: identityId
    }
  ],
  map(range(0, length(previousMasterKeySecretUrls)), i => {
    name: 'sethub-previous-master-key-${i}'
    keyVaultUrl: previousMasterKeySecretUrls[i]
    identity: identityId
  })
)

var settings = concat(
  [
    { name: 'SetHub__Storage__Provider', value: 'AzureStorage' }
    // No key: SetHub authenticates to these endpoints with DefaultAzureCredential, i.e. the identity below.
    { name: 'ConnectionStrings__SetHub', value: 'TableEndpoint=${tableEndpoint};BlobEndpoint=${blobEndpoint}' }
    { name: 'AZURE_CLIENT_ID', value: identityClientId }
    { name: 'SetHub__PublicBaseUrl', value: empty(publicBaseUrl) ? defaultBaseUrl : publicBaseUrl }
    { name: 'SetHub__Cluster__ClusterId', value: 'sethub' }
    { name: 'SetHub__Cluster__ServiceId', value: 'sethub' }
    { name: 'SetHub__Cluster__SiloPort', value: string(siloPort) }
    // Secrets come from Key Vault through the app's secrets; their values never appear in the configuration.
    { name: 'SetHub__MasterKey', secretRef: 'sethub-master-key' }
    { name: 'SetHub__AdminToken', secretRef: 'sethub-admin-token' }
  ],
  map(range(0, length(previousMasterKeySecretUrls)), i => {
    name: 'SetHub__PreviousMasterKeys__${i}'
    secretRef: 'sethub-previous-master-key-${i}'
  })
)

resource app 'Microsoft.App/containerApps@2026-01-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
        // The silo port, reachable only inside the environment. Replicas dial each other's own address (from the
        // membership table) on this port directly; the mapping declares the port as the app's internal TCP port.
        additionalPortMappings: [
          {
            external: false
            targetPort: siloPort
            exposedPort: siloPort
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: keyVaultSecrets
    }
    template: {
      containers: [
        {
          name: 'sethub'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: settings
          probes: [
            // Start-up: migrations, key loading and joining the cluster come before Kestrel listens; allow ~2 min.
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: httpPort
                scheme: 'HTTP'
              }
              initialDelaySeconds: 5
              periodSeconds: 12
              timeoutSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: httpPort
                scheme: 'HTTP'
              }
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 3
            }
            // /healthz too, not /readyz (which also asks the store): the placeholder image of the first provisioning
            // serves only /healthz, and a store outage is answered by SetHub itself with 503 store_unavailable.
            {
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: httpPort
                scheme: 'HTTP'
              }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 3
            }
          ]
        }
      ]
      // Time for a stopping silo to hand over its grains and leave the membership table.
      terminationGracePeriodSeconds: 60
      scale: {
        // Two replicas always: a cluster survives the loss of one, and replicas are not cold-started per request.
        minReplicas: 2
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(httpConcurrency)
              }
            }
          }
        ]
      }
    }
  }
}

@description('Name of the container app.')
output name string = app.name

@description('https://<default host name> of the app.')
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'

@description('The public base URL SetHub builds issuers from.')
output publicBaseUrl string = empty(publicBaseUrl) ? defaultBaseUrl : publicBaseUrl
