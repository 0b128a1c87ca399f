using System.Text.Json.Nodes;

namespace MesTms.Tests.Infra;

/// <summary>What an architect checks in the compiled template: no local auth, dead letters, roles, runtime.</summary>
public sealed class ArmTemplateTests
{
    static readonly ArmTemplate Template = ArmTemplate.Load();

    [Fact]
    public void Local_auth_is_disabled_on_Cosmos_Event_Grid_storage_and_monitoring()
    {
        JsonObject cosmos = Assert.Single(Template.OfType("Microsoft.DocumentDB/databaseAccounts"));
        Assert.True(cosmos["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.True(cosmos["properties"]!["disableKeyBasedMetadataWriteAccess"]!.GetValue<bool>());

        List<JsonObject> topics = Template.OfType("Microsoft.EventGrid/topics").ToList();
        Assert.Equal(2, topics.Count);
        Assert.All(topics, t =>
        {
            Assert.True(t["properties"]!["disableLocalAuth"]!.GetValue<bool>());
            Assert.Equal("CloudEventSchemaV1_0", t["properties"]!["inputSchema"]!.GetValue<string>());
        });

        JsonObject storage = Assert.Single(Template.OfType("Microsoft.Storage/storageAccounts"));
        Assert.False(storage["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(storage["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());

        JsonObject insights = Assert.Single(Template.OfType("Microsoft.Insights/components"));
        Assert.True(insights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void The_event_subscription_dead_letters_to_blob_with_the_topic_identity_and_retries()
    {
        JsonObject subscription = Assert.Single(Template.OfType("Microsoft.EventGrid/topics/eventSubscriptions"));
        JsonNode properties = subscription["properties"]!;
        Assert.Equal("CloudEventSchemaV1_0", properties["eventDeliverySchema"]!.GetValue<string>());
        Assert.Equal("WebHook", properties["destination"]!["endpointType"]!.GetValue<string>());
        // The MES key goes with every delivery as a secret header; no key sits in the URL.
        Assert.DoesNotContain("code=", properties["destination"]!["properties"]!["endpointUrl"]!.ToString());
        Assert.Contains("/api/events/mes'", properties["destination"]!["properties"]!["endpointUrl"]!.ToString());
        JsonNode header = Assert.Single(properties["destination"]!["properties"]!["deliveryAttributeMappings"]!.AsArray())!;
        Assert.Equal("x-api-key", header["name"]!.GetValue<string>());
        Assert.True(header["properties"]!["isSecret"]!.GetValue<bool>());

        JsonNode deadLetter = properties["deadLetterWithResourceIdentity"]!;
        Assert.Equal("SystemAssigned", deadLetter["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("StorageBlob", deadLetter["deadLetterDestination"]!["endpointType"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(deadLetter["deadLetterDestination"]!["properties"]!["blobContainerName"]!.ToString()));
        Assert.NotNull(properties["retryPolicy"]!["maxDeliveryAttempts"]);
        Assert.Equal(4, properties["filter"]!["includedEventTypes"]!.AsArray().Count);
    }

    [Fact]
    public void The_app_identity_and_the_topic_identity_get_exactly_the_roles_they_need()
    {
        string roles = string.Join("\n", Template.Resources
            .Where(r => r.Resource["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments")
            .Select(r => Template.ResolveVariables(r.Module, r.Resource["properties"]!["roleDefinitionId"]!.ToString())));
        foreach (string role in new[]
        {
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner (host, deployment package)
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor (Durable)
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor (Durable)
            "d5a91429-5739-47e2-a06b-3470a27159e7", // EventGrid Data Sender (planner topic; MES on the MES topic)
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher (Entra-only App Insights)
            "ba92f5b4-2d11-453d-a403-e96b0029c9fe", // Storage Blob Data Contributor (topic identity -> dead letters)
        })
        {
            Assert.Contains(role, roles);
        }

        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roles); // never Owner
        Assert.DoesNotContain("b24988ac-6180-42a0-ab88-20f7382dd24c", roles); // never Contributor

        (string module, JsonObject cosmosRole) = Assert.Single(Template.Resources,
            r => r.Resource["type"]!.GetValue<string>() == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        Assert.Contains("00000000-0000-0000-0000-000000000002", Template.ResolveVariables(module, cosmosRole["properties"]!["roleDefinitionId"]!.ToString()));
    }

    [Fact]
    public void The_function_app_runs_dotnet_isolated_10_on_Flex_Consumption_with_a_user_assigned_identity()
    {
        JsonObject plan = Assert.Single(Template.OfType("Microsoft.Web/serverfarms"));
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());

        JsonObject site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        JsonNode runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", runtime["name"]!.GetValue<string>());
        Assert.Equal("10.0", runtime["version"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        Assert.True(site["properties"]!["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("UserAssignedIdentity",
            site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void No_key_or_secret_appears_in_app_settings_or_outputs()
    {
        JsonObject site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        Assert.Contains("baseSettings", site["properties"]!["siteConfig"]!["appSettings"]!.ToString());
        string settings = Template.Modules["functionapp"]["variables"]!["baseSettings"]!.ToJsonString();
        string outputs = Template.Root["outputs"]!.ToJsonString();
        foreach (string text in new[] { settings, outputs })
        {
            Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("primaryMasterKey", text, StringComparison.OrdinalIgnoreCase);
        }

        // The bridge's own keys are required and read from Key Vault with the app identity (Key Vault Secrets User).
        Assert.Contains("\"MesTms__Security__RequireKeys\"", settings);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings);
        Assert.Contains("mesKeyUri", settings);
        Assert.Contains("plannerKeyUri", settings);
        JsonObject vault = Assert.Single(Template.OfType("Microsoft.KeyVault/vaults"));
        Assert.True(vault["properties"]!["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(site["properties"]!["keyVaultReferenceIdentity"]!.ToString()));
        string roles = string.Join("\n", Template.Resources
            .Where(r => r.Resource["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments")
            .Select(r => Template.ResolveVariables(r.Module, r.Resource["properties"]!["roleDefinitionId"]!.ToString())));
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", roles); // Key Vault Secrets User

        Assert.Contains("\"AzureWebJobsStorage__credential\"", settings);
        Assert.DoesNotContain("\"AzureWebJobsStorage\"", settings);
    }
}
