metadata description = 'The storage account SetHub keeps everything in (AzureStorage mode: tables and blobs, Orleans membership included), reached with Entra ID only.'

@description('Name of the storage account (3-24 lowercase alphanumerics, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags for the account.')
param tags object

@description('Redundancy of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param sku string

@description('Name of the managed identity (in this resource group) SetHub runs as.')
param dataIdentityName string

var roles = {
  // Storage Table Data Contributor: SetHub's tables and the Orleans membership table.
  table: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Storage Blob Data Contributor: SetHub's blobs.
  blob: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource dataIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: dataIdentityName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  properties: {
    accessTier: 'Hot'
    // Entra ID only: no account keys, no SAS signed with them. The connection string SetHub gets names the endpoints
    // and no key; it authenticates with DefaultAzureCredential (the managed identity).
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Consumption environments have no fixed outbound address and no VNet: access is controlled by Entra ID roles.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roles): {
    name: guid(storage.id, dataIdentity.id, role.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: dataIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

@description('Name of the storage account.')
output name string = storage.name

@description('Table endpoint, e.g. https://<account>.table.core.windows.net/.')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('Blob endpoint, e.g. https://<account>.blob.core.windows.net/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob
