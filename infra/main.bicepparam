using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')
param deployEventSubscription = bool(readEnvironmentVariable('DEPLOY_EVENT_SUBSCRIPTION', 'false'))
param cosmosServerless = true
param holdEscalationAfter = '1.00:00:00'
param plants = {
  P100: { postalCode: '46218', country: 'US' }
}
// The keys come from the environment (azd env set MESTMS_MES_API_KEY ...), never from this file; both are required.
param mesApiKey = readEnvironmentVariable('MESTMS_MES_API_KEY')
param plannerApiKey = readEnvironmentVariable('MESTMS_PLANNER_API_KEY')
param carrierApiKeys = json(readEnvironmentVariable('MESTMS_CARRIER_API_KEYS', '{}'))
