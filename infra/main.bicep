// MES -> TMS event bridge: Function App (Flex Consumption, .NET 10 isolated) with Durable Functions on Azure
// Storage, Cosmos DB (NoSQL), Event Grid topics in and out, monitoring, and one user-assigned identity with
// exactly the data roles it needs. No keys or secrets in settings or outputs.
//
// Deploy in two steps: first with deployEventSubscription=false, publish the code, then again with true
// (Event Grid validates the webhook when the subscription is created). azd does both: see azure.yaml.
targetScope = 'resourceGroup'

@description('Short environment name (dev, test, prod); part of every resource name.')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Create the Event Grid subscription to the function webhook (second step, once the code is deployed).')
param deployEventSubscription bool = false

@description('Service principals of the MES that may publish to the MES topic (EventGrid Data Sender).')
param mesPublisherPrincipalIds array = []

@description('Cosmos DB serverless (true) or provisioned autoscale throughput (false).')
param cosmosServerless bool = true

@description('Autoscale maximum RU/s of the database when cosmosServerless is false.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 4000

@description('Quality-hold time before planners are alerted (TimeSpan, e.g. 1.00:00:00).')
param holdEscalationAfter string = '1.00:00:00'

@description('How long each carrier has to answer a tender (TimeSpan).')
param tenderResponseTimeout string = '02:00:00'

@description('Default carrier cancellation-fee (TONU) window for carriers whose contract has no cancellation terms: a booked shipment still on hold this long before pickup has its tender withdrawn (TimeSpan).')
param cancellationFeeWindow string = '1.00:00:00'

@description('Ready orders join real-time consolidation (open loads per plant + destination group + equipment class).')
param consolidate bool = true

@description('Fill of the binding dimension at which a load ships (0-1).')
param consolidationTargetFill string = '0.9'

@description('Cost of keeping ready freight waiting, per order per hour.')
param consolidationHoldingCostPerOrderHour string = '12'

@description('Plant shipping addresses by plant id, e.g. { "P100": { "postalCode": "46218", "country": "US" } }.')
param plants object = {}

@description('Carrier tender endpoints by SCAC for the HTTP carrier adapter, e.g. { "HRTL": "https://edi.example/tenders" }.')
param carrierEndpoints object = {}

@description('The MES key: Event Grid sends it to the webhook as the x-api-key delivery header (at least 16 characters).')
@secure()
@minLength(16)
param mesApiKey string

@description('The planner key: the planner API and the dashboard\'s actions (at least 16 characters).')
@secure()
@minLength(16)
param plannerApiKey string

@description('One key per carrier of carrierEndpoints, by SCAC, e.g. { "HRTL": "..." }: a carrier\'s key answers only its own tenders.')
@secure()
param carrierApiKeys object = {}

@description('Maximum function app instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Function app instance memory (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Days of log retention.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Events per webhook call.')
@minValue(1)
@maxValue(5000)
param maxEventsPerBatch int = 100

@description('Delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Minutes Event Grid keeps retrying an event.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName, application: 'mes-tms-bridge' }
var deploymentContainerName = 'app-package-${resourceToken}'
var deadLetterContainerName = 'eventgrid-deadletters'
var cosmosDatabaseName = 'mestms'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: 'id-mestms-${resourceToken}'
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: 'log-mestms-${resourceToken}'
    appInsightsName: 'appi-mestms-${resourceToken}'
    appPrincipalId: identity.outputs.principalId
    retentionInDays: logRetentionInDays
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: 'stmestms${resourceToken}'
    appPrincipalId: identity.outputs.principalId
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    name: 'cosmos-mestms-${resourceToken}'
    databaseName: cosmosDatabaseName
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    appPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    location: location
    mesTopicName: 'evgt-mes-${resourceToken}'
    plannerTopicName: 'evgt-planner-${resourceToken}'
    appPrincipalId: identity.outputs.principalId
    mesPublisherPrincipalIds: mesPublisherPrincipalIds
    deadLetterStorageAccountName: storage.outputs.name
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: 'kv-mestms-${take(resourceToken, 12)}'
    appPrincipalId: identity.outputs.principalId
    mesApiKey: mesApiKey
    plannerApiKey: plannerApiKey
    carrierApiKeys: carrierApiKeys
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: 'func-mestms-${resourceToken}'
    planName: 'plan-mestms-${resourceToken}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    plannerTopicEndpoint: eventGrid.outputs.plannerTopicEndpoint
    holdEscalationAfter: holdEscalationAfter
    tenderResponseTimeout: tenderResponseTimeout
    consolidate: consolidate
    cancellationFeeWindow: cancellationFeeWindow
    consolidationTargetFill: consolidationTargetFill
    consolidationHoldingCostPerOrderHour: consolidationHoldingCostPerOrderHour
    plants: plants
    carrierEndpoints: carrierEndpoints
    mesKeyUri: keyVault.outputs.mesKeyUri
    plannerKeyUri: keyVault.outputs.plannerKeyUri
    keyVaultName: keyVault.outputs.name
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    tags: tags
  }
}

module eventSubscription 'modules/eventsubscription.bicep' = if (deployEventSubscription) {
  name: 'eventsubscription'
  params: {
    mesTopicName: eventGrid.outputs.mesTopicName
    functionAppName: functionApp.outputs.name
    mesApiKey: mesApiKey
    deadLetterStorageAccountName: storage.outputs.name
    deadLetterContainerName: deadLetterContainerName
    maxEventsPerBatch: maxEventsPerBatch
    maxDeliveryAttempts: maxDeliveryAttempts
    eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
  }
}

@description('Resource group (azd).')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('Function app name (azd deploys the package to it).')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the webhook, the planner API (/api/...) and the dashboard (/api/dashboard).')
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'

@description('Endpoint the MES publishes CloudEvents to (Entra auth, EventGrid Data Sender).')
output MES_TOPIC_ENDPOINT string = eventGrid.outputs.mesTopicEndpoint

@description('Endpoint of the planner notification topic.')
output PLANNER_TOPIC_ENDPOINT string = eventGrid.outputs.plannerTopicEndpoint

@description('Cosmos DB endpoint.')
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint

@description('Client id of the app identity.')
output APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
