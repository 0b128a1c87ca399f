using System.Text.RegularExpressions;
using MesTms.LocalHost.Emulators;

namespace MesTms.Tests.Architecture;

/// <summary>
/// The pipeline is grouped by feature (Events, Shipments, Loads, Docks, Carriers, Notifications) over a platform
/// (Storage, Http, Telemetry) and a composition root (Hosting). Read from the sources: a file's namespace is its folder,
/// the platform imports no feature, and the features import each other without a loop.
/// </summary>
public sealed partial class FeatureDependencyTests
{
    static readonly string[] Features = ["Events", "Shipments", "Loads", "Docks", "Carriers", "Tendering", "CarrierStatuses", "Edi", "Notifications", "Dashboard"];
    static readonly string[] Platform = ["Storage", "Http", "Telemetry", "Time"];

    static string PipelineRoot => Path.Combine(LocalEmulators.FindRepositoryRoot(), "functions", "MesTms.Pipeline");

    [GeneratedRegex(@"\bMesTms\.Pipeline\.(\w+)\b")]
    private static partial Regex PipelineNamespace();

    [GeneratedRegex(@"^namespace MesTms\.Pipeline\.(\w+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    /// <summary>Folder → the pipeline namespaces its files name (usings and qualified names), with one file that does.</summary>
    static Dictionary<string, Dictionary<string, string>> Imports()
    {
        var imports = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(PipelineRoot, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
        {
            string folder = Path.GetRelativePath(PipelineRoot, file).Split(Path.DirectorySeparatorChar)[0];
            string text = File.ReadAllText(file);
            Assert.DoesNotContain("global using", text);
            Match ns = FileNamespace().Match(text);
            Assert.True(ns.Success && ns.Groups[1].Value == folder, $"{Path.GetRelativePath(PipelineRoot, file)} is not in namespace MesTms.Pipeline.{folder}");
            Dictionary<string, string> mine = imports.TryGetValue(folder, out var found) ? found : imports[folder] = new(StringComparer.Ordinal);
            foreach (Match m in PipelineNamespace().Matches(text[(ns.Index + ns.Length)..]).Concat(PipelineNamespace().Matches(text[..ns.Index])))
            {
                if (m.Groups[1].Value != folder)
                {
                    mine.TryAdd(m.Groups[1].Value, Path.GetFileName(file));
                }
            }
        }

        return imports;
    }

    [Fact]
    public void Every_file_is_in_a_feature_the_platform_or_the_composition_root()
    {
        Assert.Empty(Imports().Keys.Except([.. Features, .. Platform, "Hosting"]));
        Assert.Equal(Features.Order(), Imports().Keys.Intersect(Features).Order());
    }

    [Fact]
    public void The_platform_imports_no_feature_and_nothing_imports_the_composition_root()
    {
        Dictionary<string, Dictionary<string, string>> imports = Imports();
        foreach (string platform in Platform)
        {
            Assert.Empty(imports.GetValueOrDefault(platform, []).Keys.Intersect([.. Features, "Hosting"]));
        }

        foreach ((string folder, Dictionary<string, string> uses) in imports.Where(i => i.Key != "Hosting"))
        {
            Assert.False(uses.ContainsKey("Hosting"), $"{folder} ({uses.GetValueOrDefault("Hosting")}) imports the composition root");
        }
    }

    [Fact]
    public void Features_import_each_other_without_a_loop()
    {
        Dictionary<string, Dictionary<string, string>> imports = Imports();
        Dictionary<string, List<string>> edges = Features.ToDictionary(f => f, f => imports.GetValueOrDefault(f, []).Keys.Intersect(Features).ToList());

        // Depth-first search: a node met again while on the stack closes a loop; the loop is reported with the files.
        var state = new Dictionary<string, int>();
        var stack = new List<string>();
        string? Visit(string feature)
        {
            state[feature] = 1;
            stack.Add(feature);
            foreach (string next in edges[feature])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    List<string> loop = [.. stack.SkipWhile(f => f != next), next];
                    return string.Join(" -> ", loop.Zip(loop.Skip(1), (a, b) => $"{a} ({imports[a][b]})")) + $" -> {next}";
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[feature] = 2;
            return null;
        }

        foreach (string feature in Features)
        {
            if (state.GetValueOrDefault(feature) == 0 && Visit(feature) is { } loop)
            {
                Assert.Fail($"Import loop between features: {loop}");
            }
        }
    }
}
