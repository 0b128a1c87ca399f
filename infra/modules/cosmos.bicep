@description('Azure region.')
param location string

@description('Cosmos DB account name.')
param name string

@description('Database name (app setting MesTms__Cosmos__DatabaseName).')
param databaseName string

@description('Serverless (pay per request) when true; otherwise provisioned autoscale throughput on the database.')
param serverless bool

@description('Autoscale maximum RU/s of the database when not serverless.')
@minValue(1000)
param autoscaleMaxThroughput int

@description('Principal id of the app identity, granted Cosmos DB Built-in Data Contributor.')
param appPrincipalId string

@description('Tags for every resource.')
param tags object

// The containers, partition keys and TTLs the code uses (MesTms.Pipeline.Storage.CosmosContainers).
// events: items carry their own ttl (MesTms__Cosmos__EventRetention), so the container default is -1 (on, no default).
var containers = [
  { name: 'events', partitionKey: '/id', defaultTtl: -1 }
  { name: 'shipments', partitionKey: '/orderId', defaultTtl: null }
  { name: 'qualityHolds', partitionKey: '/orderId', defaultTtl: null }
  { name: 'notifications', partitionKey: '/id', defaultTtl: null }
  { name: 'tenders', partitionKey: '/id', defaultTtl: null }
  { name: 'carrierPerformance', partitionKey: '/id', defaultTtl: null }
  { name: 'loads', partitionKey: '/id', defaultTtl: null }
  { name: 'dockSchedules', partitionKey: '/id', defaultTtl: null }
  { name: 'ediDocuments', partitionKey: '/id', defaultTtl: null }
]

var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: union({
      id: c.name
      partitionKey: { paths: [c.partitionKey], kind: 'Hash', version: 2 }
    }, c.defaultTtl == null ? {} : { defaultTtl: c.defaultTtl })
  }
}]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: appPrincipalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output name string = account.name
