metadata description = 'Key Vault (RBAC, soft delete) holding SetHub\'s master key and operator token; the identity may read them.'

@description('Name of the vault (3-24 characters, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags for the vault.')
param tags object

@description('Name of the managed identity (in this resource group) SetHub runs as: Key Vault Secrets User.')
param readerIdentityName string

@description('Principal id of whoever deploys (Key Vault Secrets Officer, to read the operator token and rotate keys); empty for none.')
param officerPrincipalId string

@description('Turn on purge protection: a deleted vault or secret cannot be purged before the retention period ends. It cannot be turned off again, and `azd down --purge` then leaves the name taken for 90 days.')
param enablePurgeProtection bool

@description('Write the sethub-master-key secret with masterKey.')
param writeMasterKey bool

@secure()
@description('The master key (base64 of 32 bytes); used when writeMasterKey is true.')
param masterKey string

@description('Write the sethub-admin-token secret with adminToken.')
param writeAdminToken bool

@secure()
@description('The operator token; used when writeAdminToken is true.')
param adminToken string

var roles = {
  // Key Vault Secrets User: read secret values.
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Key Vault Secrets Officer: read, write and delete secrets.
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

var masterKeySecretName = 'sethub-master-key'
var adminTokenSecretName = 'sethub-admin-token'

resource readerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: readerIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // A deleted vault or secret can be recovered for 90 days: every value a secret ever had stays as an older
    // version, so an overwritten master key can be read back.
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource masterKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (writeMasterKey) {
  parent: vault
  name: masterKeySecretName
  properties: {
    value: masterKey
    contentType: 'SetHub master key: base64 of 32 bytes'
  }
}

resource adminTokenSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (writeAdminToken) {
  parent: vault
  name: adminTokenSecretName
  properties: {
    value: adminToken
    contentType: 'SetHub operator bearer token'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerIdentity.id, roles.secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.secretsUser)
    principalId: readerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// No principalType: the deployer may be a user or a service principal (CI).
resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(officerPrincipalId)) {
  name: guid(vault.id, officerPrincipalId, roles.secretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.secretsOfficer)
    principalId: officerPrincipalId
  }
}

@description('Name of the vault.')
output name string = vault.name

@description('URI of the vault, e.g. https://kv-xyz.vault.azure.net/.')
output uri string = vault.properties.vaultUri

// Versionless secret URLs: Container Apps reads the current version (a new revision or a restart picks up a changed
// value). Built from the vault URI because the secrets themselves are only written on the first provisioning.
@description('URL of the sethub-master-key secret.')
output masterKeySecretUrl string = '${vault.properties.vaultUri}secrets/${masterKeySecretName}'

@description('URL of the sethub-admin-token secret.')
output adminTokenSecretUrl string = '${vault.properties.vaultUri}secrets/${adminTokenSecretName}'
