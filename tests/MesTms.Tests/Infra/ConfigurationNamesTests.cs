using System.Reflection;
using System.Text.Json.Nodes;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Hosting;
using MesTms.Pipeline.Notifications;
using MesTms.Pipeline.Storage;

namespace MesTms.Tests.Infra;

/// <summary>Configuration names agree between infra/, host.json, local.settings.example.json and the code.</summary>
public sealed class ConfigurationNamesTests
{
    static readonly ArmTemplate Template = ArmTemplate.Load();

    static readonly Dictionary<string, Type> Sections = new()
    {
        [CosmosOptions.Section.Replace(":", "__")] = typeof(CosmosOptions),
        [NotificationOptions.Section.Replace(":", "__")] = typeof(NotificationOptions),
        [PipelineServices.ShipmentSection.Replace(":", "__")] = typeof(ShipmentPolicy),
        [PipelineServices.ConsolidationSection.Replace(":", "__")] = typeof(MesTms.Domain.Loads.ConsolidationPolicy),
        [MesTms.Pipeline.Docks.DockOptions.Section.Replace(":", "__")] = typeof(MesTms.Pipeline.Docks.DockOptions),
        [CarrierOptions.Section.Replace(":", "__")] = typeof(CarrierOptions),
        [CarrierOptions.Section.Replace(":", "__") + "__Simulation"] = typeof(SimulatedCarrierOptions),
        [MesTms.Pipeline.Http.ApiKeyOptions.Section.Replace(":", "__")] = typeof(MesTms.Pipeline.Http.ApiKeyOptions),
    };

    [Fact]
    public void Cosmos_containers_partition_keys_and_TTLs_match_the_code()
    {
        JsonArray declared = Template.Modules["cosmos"]["variables"]!["containers"]!.AsArray();
        var infra = declared.Select(c => new CosmosContainerDefinition(
            c!["name"]!.GetValue<string>(), c["partitionKey"]!.GetValue<string>(), c["defaultTtl"]?.GetValue<int>())).ToList();

        Assert.Equal(CosmosContainers.All.OrderBy(c => c.Name), infra.OrderBy(c => c.Name));
    }

    [Fact]
    public void Every_MesTms_app_setting_in_infra_and_local_settings_binds_to_an_options_property()
    {
        JsonObject site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        List<string> infraNames = Template.Modules["functionapp"]["variables"]!["baseSettings"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        string localSettingsPath = Path.Combine(ArmTemplate.RepositoryRoot, "functions", "MesTms.Functions", "local.settings.example.json");
        List<string> localNames = JsonNode.Parse(File.ReadAllText(localSettingsPath))!["Values"]!.AsObject().Select(p => p.Key).ToList();

        foreach (string name in infraNames.Concat(localNames).Where(n => n.StartsWith("MesTms__", StringComparison.Ordinal)))
        {
            // Keyed sections (plants by id, carrier endpoints by SCAC) bind dictionaries.
            if (name.StartsWith("MesTms__Plants__", StringComparison.Ordinal))
            {
                Assert.NotNull(typeof(PlantOptions).GetProperty(name.Split("__")[^1]));
                continue;
            }

            if (name.StartsWith("MesTms__Carriers__Endpoints__", StringComparison.Ordinal) || name.Contains("${", StringComparison.Ordinal) || name.StartsWith('['))
            {
                continue;
            }

            string section = name[..name.LastIndexOf("__", StringComparison.Ordinal)];
            string property = name[(name.LastIndexOf("__", StringComparison.Ordinal) + 2)..];
            Assert.True(Sections.TryGetValue(section, out Type? options), $"{name}: no options class is bound from {section}");
            Assert.True(options!.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.CanWrite == true,
                $"{name}: {options.Name} has no settable property {property}");
        }

        Assert.Contains("MesTms__Cosmos__Endpoint", infraNames);
        Assert.Contains("MesTms__Cosmos__DatabaseName", infraNames);
        Assert.Contains("MesTms__Cosmos__ManagedIdentityClientId", infraNames);
        Assert.Contains("MesTms__Notifications__TopicEndpoint", infraNames);
        Assert.Contains("MesTms__Cosmos__Endpoint", localNames);
    }

    [Fact]
    public void The_database_name_and_task_hub_agree()
    {
        JsonObject database = Assert.Single(Template.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases"));
        Assert.Contains(new CosmosOptions().DatabaseName, Template.Root["variables"]!["cosmosDatabaseName"]!.GetValue<string>());
        Assert.NotNull(database);

        JsonNode host = JsonNode.Parse(File.ReadAllText(Path.Combine(ArmTemplate.RepositoryRoot, "host.json")))!;
        Assert.Equal("AzureStorage", host["extensions"]!["durableTask"]!["storageProvider"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(host["extensions"]!["durableTask"]!["hubName"]!.GetValue<string>()));
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }
}
