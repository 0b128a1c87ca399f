using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')
param deployEventSubscription = bool(readEnvironmentVariable('DEPLOY_EVENT_SUBSCRIPTION', 'false'))
param cosmosServerless = true
param holdEscalationAfter = '1.00:00:00'
param plants = {
  P100: { postalCode: '46218', country: 'US' }
}
