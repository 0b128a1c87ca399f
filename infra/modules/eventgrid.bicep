@description('Azure region.')
param location string

@description('Inbound topic the MES publishes production events to (CloudEvents 1.0).')
param mesTopicName string

@description('Outbound topic for planner notifications.')
param plannerTopicName string

@description('Principal id of the app identity, granted EventGrid Data Sender on the planner topic.')
param appPrincipalId string

@description('Principal ids (service principals of the MES) granted EventGrid Data Sender on the MES topic.')
param mesPublisherPrincipalIds array

@description('Storage account that holds the dead-letter container; the MES topic identity gets blob write access.')
param deadLetterStorageAccountName string

@description('Tags for every resource.')
param tags object

var eventGridDataSender = 'd5a91429-5739-47e2-a06b-3470a27159e7'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource mesTopic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: mesTopicName
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    minimumTlsVersionAllowed: '1.2'
  }
}

resource plannerTopic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: plannerTopicName
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    minimumTlsVersionAllowed: '1.2'
  }
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: deadLetterStorageAccountName
}

resource appSendsNotifications 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(plannerTopic.id, appPrincipalId, eventGridDataSender)
  scope: plannerTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventGridDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource mesPublishes 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in mesPublisherPrincipalIds: {
  name: guid(mesTopic.id, principalId, eventGridDataSender)
  scope: mesTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventGridDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

resource topicWritesDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterStorage.id, mesTopic.id, storageBlobDataContributor)
  scope: deadLetterStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: mesTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output mesTopicName string = mesTopic.name
output mesTopicEndpoint string = mesTopic.properties.endpoint
output plannerTopicEndpoint string = plannerTopic.properties.endpoint
