using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MesTms.LocalHost.Emulators;

namespace MesTms.Tests.Infra;

/// <summary>The compiled ARM template of infra/main.bicep, with every resource of every nested module flattened.</summary>
public sealed class ArmTemplate
{
    ArmTemplate(JsonObject root)
    {
        Root = root;
        Collect(root, "main");
    }

    public JsonObject Root { get; }

    /// <summary>(module, resource) pairs; module is the deployment name that holds the resource.</summary>
    public List<(string Module, JsonObject Resource)> Resources { get; } = [];

    /// <summary>Each module's own template, by deployment name.</summary>
    public Dictionary<string, JsonObject> Modules { get; } = [];

    public static string RepositoryRoot => LocalEmulators.FindRepositoryRoot();

    public static ArmTemplate Load()
    {
        string path = Path.Combine(RepositoryRoot, "infra", "obj", "arm", "main.json");
        Assert.True(File.Exists(path), $"{path} is missing: building infra/MesTms.Infra.csproj compiles it.");
        return new ArmTemplate(JsonNode.Parse(File.ReadAllText(path))!.AsObject());
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Resource["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase)).Select(r => r.Resource);

    /// <summary>Replaces <c>variables('name')</c> and <c>variables('name').member</c> in an ARM expression with their values.</summary>
    public string ResolveVariables(string module, string expression) =>
        Regex.Replace(expression, @"variables\('(\w+)'\)(?:\.(\w+))?", match =>
        {
            JsonNode? value = Modules[module]["variables"]?[match.Groups[1].Value];
            if (match.Groups[2].Success)
            {
                value = value?[match.Groups[2].Value];
            }

            return value is null ? match.Value : $"'{value}'";
        });

    void Collect(JsonObject template, string module)
    {
        Modules[module] = template;
        IEnumerable<JsonNode?> resources = template["resources"] switch
        {
            JsonArray array => array,
            JsonObject map => map.Select(p => p.Value),
            _ => [],
        };
        foreach (JsonObject resource in resources.OfType<JsonObject>())
        {
            if (resource["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            if (resource["type"]?.GetValue<string>() == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, resource["name"]!.ToString());
            }
            else
            {
                Resources.Add((module, resource));
            }
        }
    }
}
