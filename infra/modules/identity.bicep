metadata description = 'The user-assigned managed identity SetHub runs as: it pulls the image, reads the Key Vault secrets and uses the storage account.'

@description('Name of the identity.')
param name string

@description('Region.')
param location string

@description('Tags for the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Client id of the identity: SetHub gets it as AZURE_CLIENT_ID, so DefaultAzureCredential uses this identity.')
output clientId string = identity.properties.clientId
