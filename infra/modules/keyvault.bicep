@description('Azure region.')
param location string

@description('Key vault name (3-24 characters).')
param name string

@description('Principal id of the app identity: it reads the secrets (Key Vault Secrets User) and nothing else.')
param appPrincipalId string

@description('The MES key (the webhook), the planner key (planner API, dashboard actions) and one key per carrier by SCAC.')
@secure()
param mesApiKey string
@secure()
param plannerApiKey string
@secure()
param carrierApiKeys object

@description('Tags for every resource.')
param tags object

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource mesKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mes-api-key'
  properties: { value: mesApiKey }
}

resource plannerKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'planner-api-key'
  properties: { value: plannerApiKey }
}

resource carrierKeys 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for c in items(carrierApiKeys): {
  parent: vault
  name: 'carrier-api-key-${toLower(c.key)}'
  properties: { value: c.value }
}]

resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, secretsUser)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
  }
}

output name string = vault.name
output mesKeyUri string = mesKey.properties.secretUri
output plannerKeyUri string = plannerKey.properties.secretUri
