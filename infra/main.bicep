// SetHub on Azure Container Apps in AzureStorage mode: what `azd up` provisions (parameters: main.parameters.json).
// Check it with ./infra/check.sh (bicep build + lint, no warnings allowed).
targetScope = 'subscription'

metadata description = 'SetHub: a resource group rg-<environmentName> with a Container Apps environment, the sethub container app (2+ Orleans silos), its storage account, Key Vault, container registry and managed identity.'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: the resource group is rg-<environmentName> and resource names derive from it.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@description('Absolute public base URL issuers and endpoint URLs are built from, e.g. https://sethub.example.com once a custom domain is bound to the app. Empty: https://sethub.<environment default domain>.')
param publicBaseUrl string = ''

@minValue(2)
@maxValue(300)
@description('Most replicas (silos) the app scales out to; it never runs fewer than 2.')
param maxReplicas int = 5

@minValue(10)
@description('Concurrent HTTP requests per replica above which another replica is added. Waiting long polls count, so keep it well above the number of receivers that long-poll at once.')
param httpConcurrency int = 200

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
@description('Redundancy of the storage account that holds all of SetHub\'s data.')
param storageSku string = 'Standard_LRS'

// The two secrets. Supply your own with `azd env set SETHUB_MASTER_KEY "$(openssl rand -base64 32)"` and
// `azd env set SETHUB_ADMIN_TOKEN <16+ characters>` before `azd up` (or `azd provision`), or write them to the Key
// Vault later (`az keyvault secret set --vault-name <AZURE_KEY_VAULT_NAME> --name sethub-master-key --value ...`) and
// restart the revision. Left empty, the first provisioning generates them:
//   - the master key is the base64 encoding of the 32 hex digits of a random (version 4) GUID from ARM's newGuid(),
//     taken as 32 ASCII bytes: a valid 32-byte key with about 122 bits of entropy (the GUID's random bits), less
//     than the 256 bits of `openssl rand -base64 32` but beyond guessing; supply your own for 256 bits;
//   - the operator token is 'sh_adm_' and the hex digits of two such GUIDs (about 244 bits).
// newGuid() may only be a parameter default, hence the two *Seed parameters (leave them alone). A new GUID is drawn
// on every deployment, so generated values are written only while the app does not exist yet (the first
// provisioning); later provisionings leave the secrets as they are unless a value is supplied. Key Vault keeps every
// earlier value of a secret as an older version.

@secure()
@description('SetHub master key, base64 of exactly 32 bytes (openssl rand -base64 32). Empty: generated on the first provisioning, kept afterwards.')
param masterKey string = ''

@secure()
@description('SetHub operator bearer token (16+ characters). Empty: generated on the first provisioning, kept afterwards.')
param adminToken string = ''

@secure()
@description('Do not set: a fresh GUID, the randomness a generated master key is made of.')
param masterKeySeed string = newGuid()

@secure()
@description('Do not set: two fresh GUIDs, the randomness a generated operator token is made of.')
param adminTokenSeed string = '${newGuid()}${newGuid()}'

@description('Comma-separated names of Key Vault secrets holding previous master keys, newest first; they become SetHub__PreviousMasterKeys__0, __1, ... so values written under those keys stay readable after a rotation.')
param previousMasterKeySecretNames string = ''

@description('Principal id of the deployer (azd sets AZURE_PRINCIPAL_ID): it gets Key Vault Secrets Officer on the vault, to read the operator token and rotate keys. Empty: none.')
param principalId string = ''

@description('Turn on Key Vault purge protection (irreversible; the vault name then stays taken for 90 days after deletion).')
param keyVaultPurgeProtection bool = false

@description('Image of the sethub container, set by azd (SERVICE_SETHUB_IMAGE_NAME) once it has deployed one. Empty: keep the image the app runs, or a placeholder before the first deployment.')
param sethubImageName string = ''

@description('Whether the sethub container app exists already (azd sets SERVICE_SETHUB_RESOURCE_EXISTS).')
param sethubExists bool = false

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var appName = 'sethub'
var identityName = 'id-sethub-${resourceToken}'

// What the app runs before `azd deploy` has pushed SetHub: a .NET sample that, like SetHub, serves HTTP on 8080 and
// answers /healthz, so the first revision passes the probes.
var placeholderImage = 'mcr.microsoft.com/dotnet/samples:aspnetapp'

var generatedMasterKey = base64(replace(masterKeySeed, '-', ''))
var generatedAdminToken = 'sh_adm_${replace(adminTokenSeed, '-', '')}'

var previousKeyNames = filter(map(split(previousMasterKeySecretNames, ','), n => trim(n)), n => !empty(n))

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    environmentName: 'cae-${resourceToken}'
    location: location
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: 'cr${resourceToken}'
    location: location
    tags: tags
    pullIdentityName: identityName
  }
  dependsOn: [identity]
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    sku: storageSku
    dataIdentityName: identityName
  }
  dependsOn: [identity]
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    readerIdentityName: identityName
    officerPrincipalId: principalId
    enablePurgeProtection: keyVaultPurgeProtection
    writeMasterKey: !empty(masterKey) || !sethubExists
    masterKey: empty(masterKey) ? generatedMasterKey : masterKey
    writeAdminToken: !empty(adminToken) || !sethubExists
    adminToken: empty(adminToken) ? generatedAdminToken : adminToken
  }
  dependsOn: [identity]
}

// Provisioning again must not put the placeholder back over the image `azd deploy` pushed.
module currentImage 'modules/current-image.bicep' = if (sethubExists && empty(sethubImageName)) {
  name: 'current-image'
  scope: rg
  params: {
    appName: appName
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  scope: rg
  params: {
    name: appName
    location: location
    tags: union(tags, {
      'azd-service-name': 'sethub'
    })
    environmentId: environment.outputs.id
    environmentDefaultDomain: environment.outputs.defaultDomain
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: !empty(sethubImageName) ? sethubImageName : (currentImage.?outputs.image ?? placeholderImage)
    tableEndpoint: storage.outputs.tableEndpoint
    blobEndpoint: storage.outputs.blobEndpoint
    masterKeySecretUrl: keyVault.outputs.masterKeySecretUrl
    adminTokenSecretUrl: keyVault.outputs.adminTokenSecretUrl
    previousMasterKeySecretUrls: map(previousKeyNames, n => '${keyVault.outputs.uri}secrets/${n}')
    publicBaseUrl: publicBaseUrl
    maxReplicas: maxReplicas
    httpConcurrency: httpConcurrency
  }
}

// azd reads these into the environment (.azure/<env>/.env).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SERVICE_SETHUB_NAME string = app.outputs.name
output SERVICE_SETHUB_URI string = app.outputs.uri
output SETHUB_ISSUER_BASE_URL string = app.outputs.publicBaseUrl
