using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesTms.Tests.Contract;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Integration;

/// <summary>
/// A generated corpus of malformed and hostile inputs through HTTP (issue 11): every event of the contract corpus beside
/// valid events, hostile bodies, and hostile path segments on every route. Each answer is a 4xx problem naming the field
/// or a per-event error beside the accepted events; never a 5xx, never a hang.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class HostileCorpusTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Every_corpus_event_sent_beside_a_valid_event_is_accepted_or_refused_for_the_field_it_breaks()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        List<CorpusCase> corpus = EventContractCorpus.All().ToList();
        int refused = 0;
        foreach (CorpusCase[] chunk in corpus.Chunk(60))
        {
            var batch = new JsonArray(MesEvents.Completed("PO-G" + Guid.NewGuid().ToString("N")[..8]));
            foreach (CorpusCase c in chunk)
            {
                batch.Add(JsonNode.Parse(c.Json));
            }

            HttpResponseMessage response = await app.PostEventsAsync(batch.ToJsonString());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonElement results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
            Assert.Equal("accepted", results[0].GetProperty("status").GetString());
            for (int i = 0; i < chunk.Length; i++)
            {
                JsonElement result = results[i + 1];
                CorpusCase c = chunk[i];
                string status = result.GetProperty("status").GetString()!;
                if (c.Verdict == Verdict.Valid)
                {
                    Assert.True(status is "accepted" or "duplicate", $"{c.Name}: {result}");
                    continue;
                }

                refused++;
                Assert.True(status == "rejected", $"{c.Name}: {result}");
                JsonElement errors = result.GetProperty("problem").GetProperty("errors");
                Assert.True(errors.EnumerateArray().Any(e => e.GetProperty("field").GetString() == c.Field), $"{c.Name}: {errors}");
            }
        }

        Assert.True(refused >= 300, $"only {refused} hostile events");
    }

    public static TheoryData<string, string, int> HostileBodies()
    {
        string deep = new string('[', 70) + new string(']', 70);
        string deepData = "{\"specversion\":\"1.0\",\"data\":" + new string('[', 80) + new string(']', 80) + "}";
        return new()
        {
            { "empty body", "", 400 },
            { "whitespace", "   ", 400 },
            { "not JSON", "<xml/>", 400 },
            { "truncated JSON", "[{\"id\":", 400 },
            { "trailing garbage", "[]]", 400 },
            { "a number", "42", 400 },
            { "a string", "\"event\"", 400 },
            { "null", "null", 400 },
            { "an empty array", "[]", 400 },
            { "an array of nulls", "[null,null]", 400 },
            { "an array of numbers", "[1,2,3]", 400 },
            { "an empty object", "{}", 400 },
            { "nested 70 deep", deep, 400 },
            { "data nested 80 deep", deepData, 400 },
            { "duplicate members", "{\"id\":\"a\",\"id\":\"b\"}", 400 },
            { "BOM then garbage", "\uFEFF{", 400 },
            { "NUL bytes", "\0\0\0", 400 },
            { "a lone surrogate everywhere", "[{\"\\ud800\":\"\\udfff\"}]", 400 },
            { "a validation event without a code", "[{\"id\":\"v\",\"eventType\":\"Microsoft.EventGrid.SubscriptionValidationEvent\",\"data\":{}}]", 400 },
            { "Event Grid schema without plant", "[{\"id\":\"e\",\"eventType\":\"mes.production.completed.v1\",\"subject\":\"orders/PO-1\",\"data\":{}}]", 400 },
            { "more than 4 MiB", "[\"" + new string('x', 4 * 1024 * 1024 + 10) + "\"]", 413 },
            { "5,001 events", "[" + string.Join(",", Enumerable.Repeat("{}", 5001)) + "]", 413 },
        };
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_hostile_body_answers_a_4xx_problem(string what, string body, int status)
    {
        await using TestApp app = await TestApp.StartAsync(emulators);

        HttpResponseMessage response = await app.PostEventsAsync(body);

        Assert.True((int)response.StatusCode == status, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    static readonly string[] HostileSegments =
    [
        "%FF%FE", "%00", "%2F", "..", "%2E%2E", "a%2Fb", "%20", "x%0Ay", new string('L', 5000), "%3Cscript%3E", "%E2%80%AE", "%F0%9F%92%A9",
        "%25", "%25FF", "'%3B--", "%5C", "%C0%AF", "%ED%A0%80", "CON", "open%7C%7C%7C",
    ];

    public static TheoryData<string, string> HostileRoutes()
    {
        var data = new TheoryData<string, string>();
        foreach (string s in HostileSegments)
        {
            data.Add("GET", $"api/shipments/{s}");
            data.Add("GET", $"api/shipments/PO-1?plantId={s}");
            data.Add("GET", $"api/loads/{s}");
            data.Add("GET", $"api/plants/{s}/docks");
            data.Add("GET", $"api/plants/P100/docks?date={s}");
            data.Add("GET", $"api/events/rejected?since={s}");
            data.Add("GET", $"api/events/rejected?limit={s}");
            data.Add("POST", $"api/tenders/{s}/response");
            data.Add("POST", $"api/shipments/{s}/holds/QH-1/release");
            data.Add("POST", $"api/shipments/PO-1/holds/{s}/release");
        }

        return data;
    }

    [Fact]
    public async Task Hostile_path_segments_on_every_route_answer_4xx_and_never_5xx()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        var failures = new List<string>();
        foreach (object[] row in HostileRoutes())
        {
            string method = (string)row[0], path = (string)row[1];
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent("{\"decision\":\"accept\",\"scac\":\"SWFL\",\"releasedBy\":\"a\",\"reason\":\"b\"}", Encoding.UTF8, "application/json");
            }

            HttpResponseMessage response = await app.Http.SendAsync(request);
            if ((int)response.StatusCode is < 400 or >= 500 && !(method == "GET" && response.StatusCode == HttpStatusCode.OK && path.Contains('?')))
            {
                string body = await response.Content.ReadAsStringAsync();
                failures.Add($"{method} {path[..Math.Min(path.Length, 80)]}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            }
        }

        Assert.Empty(failures);
        HttpResponseMessage alive = await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed("PO-ALIVE")));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
