@description('Azure region.')
param location string

@description('Function app name (also its host name prefix).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Resource id, client id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string

@description('Storage account for the host, the Durable task hub and the deployment package (identity-based, no keys).')
param storageAccountName string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string

@description('Application Insights connection string (not a secret: ingestion needs Entra auth, local auth is off).')
param appInsightsConnectionString string

@description('Cosmos DB endpoint and database.')
param cosmosEndpoint string
param cosmosDatabaseName string

@description('Planner notification topic endpoint.')
param plannerTopicEndpoint string

@description('Quality-hold time before planners are alerted (TimeSpan, e.g. 1.00:00:00).')
param holdEscalationAfter string

@description('Tender answer timeout per carrier (TimeSpan).')
param tenderResponseTimeout string

@description('Default carrier cancellation-fee (TONU) window for carriers whose contract has no cancellation terms: a held booking is withdrawn this long before pickup (TimeSpan).')
param cancellationFeeWindow string

@description('Ready orders join real-time consolidation (open loads) instead of shipping one by one.')
param consolidate bool

@description('Fill of the binding dimension (weight, cube or floor) at which a load ships (0-1, as text).')
param consolidationTargetFill string

@description('Cost of keeping ready freight waiting, per order per hour (as text).')
param consolidationHoldingCostPerOrderHour string

@description('Plant shipping addresses by plant id: { "P100": { "postalCode": "46218", "country": "US" } }.')
param plants object

@description('Carrier tender endpoints by SCAC (HTTP carrier adapter).')
param carrierEndpoints object

@description('Key Vault secret URIs of the MES and planner keys, and the vault holding one carrier-api-key-{scac} per carrier of carrierEndpoints: the app reads them as Key Vault references with its identity.')
param mesKeyUri string
param plannerKeyUri string
param keyVaultName string

@description('Maximum instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Instance memory (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Tags for every resource.')
param tags object

// Settings the host and the bridge read (MesTms.Pipeline options classes); plants and carrier endpoints follow.
var baseSettings = [
  // Host and Durable task hub storage, identity-based (the account has shared keys off).
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: storageBlobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: storageQueueEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: storageTableEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identityClientId}' }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // The bridge's own settings (MesTms.Pipeline options classes).
  { name: 'MesTms__Cosmos__Endpoint', value: cosmosEndpoint }
  { name: 'MesTms__Cosmos__DatabaseName', value: cosmosDatabaseName }
  { name: 'MesTms__Cosmos__ManagedIdentityClientId', value: identityClientId }
  { name: 'MesTms__Cosmos__CreateIfNotExists', value: 'false' }
  { name: 'MesTms__Notifications__TopicEndpoint', value: plannerTopicEndpoint }
  { name: 'MesTms__Notifications__ManagedIdentityClientId', value: identityClientId }
  { name: 'MesTms__Shipment__HoldEscalationAfter', value: holdEscalationAfter }
  { name: 'MesTms__Shipment__TenderResponseTimeout', value: tenderResponseTimeout }
  { name: 'MesTms__Carriers__ContractsPath', value: 'Contracts/carriers.v1.json' }
  { name: 'MesTms__Shipment__Consolidate', value: string(consolidate) }
  { name: 'MesTms__Shipment__CancellationFeeWindow', value: cancellationFeeWindow }
  { name: 'MesTms__Docks__ModelPath', value: 'Contracts/docks.v1.json' }
  // Every route needs its caller's key (MES, planner, carrier): references to Key Vault, never the keys themselves.
  { name: 'MesTms__Security__RequireKeys', value: 'true' }
  { name: 'MesTms__Security__MesKey', value: '@Microsoft.KeyVault(SecretUri=${mesKeyUri})' }
  { name: 'MesTms__Security__PlannerKey', value: '@Microsoft.KeyVault(SecretUri=${plannerKeyUri})' }
  { name: 'MesTms__Consolidation__TargetFill', value: consolidationTargetFill }
  { name: 'MesTms__Consolidation__HoldingCostPerOrderHour', value: consolidationHoldingCostPerOrderHour }
]

var plantSettings = flatten(map(items(plants), p => [
  { name: 'MesTms__Plants__${p.key}__PostalCode', value: p.value.postalCode }
  { name: 'MesTms__Plants__${p.key}__Country', value: p.value.country }
]))

var endpointSettings = map(items(carrierEndpoints), c => { name: 'MesTms__Carriers__Endpoints__${c.key}', value: c.value })

var carrierKeySettings = map(items(carrierEndpoints), c => {
  name: 'MesTms__Security__CarrierKeys__${c.key}'
  value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=carrier-api-key-${toLower(c.key)})'
})

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(baseSettings, plantSettings, endpointSettings, carrierKeySettings)
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
