using System.Text;
using System.Text.Json;
using Json.Schema;
using MesTms.Domain.Events;
using MesTms.LocalHost.Emulators;

namespace MesTms.Tests.Contract;

/// <summary>
/// The published JSON Schema of the event contract (<c>Contracts/mes-events.v1.schema.json</c>) and the bridge's own
/// validator agree on every corpus event: both accept the valid ones, both refuse the invalid ones (and the validator
/// names the field), and only cross-field rules, which a schema cannot state, are refused by the validator alone.
/// </summary>
public sealed class EventContractSchemaTests
{
    public static readonly string SchemaPath = Path.Combine(LocalEmulators.FindRepositoryRoot(), "functions", "MesTms.Pipeline", "Contracts", "mes-events.v1.schema.json");

    static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(SchemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    static readonly EvaluationOptions Options = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    public static TheoryData<CorpusCase> Corpus() => [.. EventContractCorpus.All()];

    [Fact]
    public void The_corpus_is_large_and_covers_every_verdict()
    {
        List<CorpusCase> all = EventContractCorpus.All().ToList();
        Assert.True(all.Count >= 300, $"only {all.Count} corpus events");
        Assert.All(Enum.GetValues<Verdict>(), v => Assert.Contains(all, c => c.Verdict == v));
        Assert.Equal(all.Count, all.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void The_schema_and_the_validator_agree(CorpusCase corpusCase)
    {
        using JsonDocument document = JsonDocument.Parse(corpusCase.Json);
        EvaluationResults schema = Schema.Value.Evaluate(document.RootElement, Options);
        MesEventValidation validation = Validate(corpusCase.Json);

        switch (corpusCase.Verdict)
        {
            case Verdict.Valid:
                Assert.True(schema.IsValid, Explain(schema));
                Assert.True(validation.IsValid, string.Join("; ", validation.Errors));
                break;
            case Verdict.Invalid:
                Assert.False(schema.IsValid, "the schema accepts it");
                Assert.False(validation.IsValid, "the validator accepts it");
                Assert.Contains(validation.Errors, e => e.Field == corpusCase.Field);
                break;
            case Verdict.CrossField:
                Assert.True(schema.IsValid, Explain(schema));
                Assert.False(validation.IsValid, "the validator accepts it");
                Assert.Contains(validation.Errors, e => e.Field == corpusCase.Field);
                break;
        }
    }

    [Fact]
    public void The_schema_lists_exactly_the_countries_the_validator_accepts()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        List<string> countries = schema.RootElement.GetProperty("$defs").GetProperty("destination").GetProperty("properties").GetProperty("country")
            .GetProperty("enum").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(IsoCountries.Count, countries.Count);
        Assert.All(countries, c => Assert.True(IsoCountries.IsAssigned(c), c));
    }

    static MesEventValidation Validate(string json)
    {
        ParsedBody parsed = IncomingEventParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(parsed.Error);
        return MesEventValidator.Validate(Assert.Single(parsed.Events).Envelope);
    }

    static string Explain(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
