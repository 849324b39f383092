metadata description = 'Log Analytics workspace and the Container Apps environment (Consumption) whose logs go there.'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Container Apps environment.')
param environmentName string

@description('Region.')
param location string

@description('Tags for both resources.')
param tags object

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    // 31 days of retention are included in the ingestion price.
    retentionInDays: 30
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

// A Consumption-only environment (no workloadProfiles), on the network Azure manages (no VNet). Here every replica's
// network interface carries the address the other replicas reach it at, so SetHub's default advertised silo address
// (the first non-loopback IPv4 address) is right and the replicas reach each other directly on the silo port.
// In a workload-profiles environment the Consumption profile gives the container a link-local address other
// replicas cannot dial, and Orleans silos there reach each other only part of the time
// (microsoft/azure-container-apps#1119); do not switch to workload profiles without setting
// SetHub__Cluster__AdvertisedAddress accordingly and testing a cluster.
resource environment 'Microsoft.App/managedEnvironments@2026-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
    zoneRedundant: false
  }
}

@description('Resource id of the Container Apps environment.')
output id string = environment.id

@description('Name of the Container Apps environment.')
output name string = environment.name

@description('DNS suffix of the environment: an app with external ingress answers at https://<app>.<defaultDomain>.')
output defaultDomain string = environment.properties.defaultDomain
