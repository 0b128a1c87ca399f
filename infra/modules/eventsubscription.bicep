@description('The MES topic (CloudEvents 1.0 input).')
param mesTopicName string

@description('Function app whose /api/events/mes webhook receives the events (it must be deployed: Event Grid validates the endpoint).')
param functionAppName string

@description('The MES key, sent with every delivery as the x-api-key header (a secret delivery attribute).')
@secure()
param mesApiKey string

@description('Storage account and container for dead letters (written with the topic identity).')
param deadLetterStorageAccountName string
param deadLetterContainerName string

@description('Events per webhook call (the webhook accepts batches up to 4 MiB).')
@minValue(1)
@maxValue(5000)
param maxEventsPerBatch int

@description('Delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int

@description('Minutes Event Grid keeps retrying an event (at most a day).')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int

resource mesTopic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: mesTopicName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: deadLetterStorageAccountName
}

resource subscription 'Microsoft.EventGrid/topics/eventSubscriptions@2025-02-15' = {
  parent: mesTopic
  name: 'mes-to-bridge'
  properties: {
    eventDeliverySchema: 'CloudEventSchemaV1_0'
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The bridge's own MES key travels as a secret delivery header; it is never stored in an output or app setting.
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/api/events/mes'
        deliveryAttributeMappings: [
          {
            name: 'x-api-key'
            type: 'Static'
            properties: { value: mesApiKey, isSecret: true }
          }
        ]
        maxEventsPerBatch: maxEventsPerBatch
        preferredBatchSizeInKilobytes: 1024
      }
    }
    filter: {
      includedEventTypes: [
        'mes.production.completed.v1'
        'mes.quality.hold.placed.v1'
        'mes.quality.hold.released.v1'
        'mes.production.scheduled.v1'
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output name string = subscription.name
