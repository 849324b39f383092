metadata description = 'Azure Container Registry (Basic) that azd pushes the SetHub image to; the identity may pull from it.'

@description('Name of the registry (5-50 alphanumerics, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags for the registry.')
param tags object

@description('Name of the managed identity (in this resource group) that pulls the image.')
param pullIdentityName string

// AcrPull
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: pullIdentityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    // Pulls use the managed identity and pushes the deployer's Entra ID token: no admin user, no anonymous pull.
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullIdentity.id, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the registry.')
output name string = registry.name

@description('Login server, e.g. crxyz.azurecr.io.')
output loginServer string = registry.properties.loginServer
