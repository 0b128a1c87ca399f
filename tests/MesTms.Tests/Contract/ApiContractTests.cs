using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using MesTms.Domain;
using MesTms.Tests.Fixtures;

namespace MesTms.Tests.Contract;

/// <summary>
/// The planner API's JSON is a public contract: the API answers with view models, not the stored documents, and the
/// views keep every field the API returned when it served the documents themselves (extend, never rename or drop).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ApiContractTests(EmulatorFixture emulators)
{
    /// <summary>The fields of <c>GET /api/shipments/{orderId}</c> (and a load's <c>shipment</c>) as of 2026-12.</summary>
    static readonly string[] ShipmentFields =
    [
        "id", "orderId", "plantId", "lineId", "status", "sourceEventId", "completedAt", "acceptedAt", "requiredDeliveryBy", "destination",
        "handlingUnits", "hazmat", "temperature", "handlingUnitCount", "totalWeightLb", "totalCubeFt3", "activeHolds", "decisions", "createdAt",
        "updatedAt", "readyAt", "rateShop", "contractsVersion", "tenders", "booking", "loadId", "openLoadId", "memberOrderIds", "stops",
        "planRevision", "consolidationRound", "dockAppointment", "late",
    ];

    /// <summary>The fields of <c>GET /api/loads/{loadId}</c>'s <c>load</c>.</summary>
    static readonly string[] LoadFields =
    [
        "id", "kind", "plantId", "destinationGroup", "destinationPostalCode", "destinationCountry", "equipment", "status", "orders", "removed",
        "weightLb", "cubeFt3", "floorPositions", "stops", "fill", "weightFill", "cubeFill", "floorFill", "shipBy", "openedAt", "nextLoadNumber",
        "pendingHandOffs", "closedMembers", "nextReviewAt", "revision", "decisions", "createdAt", "updatedAt",
    ];

    /// <summary>The fields of each event of <c>GET /api/events/rejected</c>.</summary>
    static readonly string[] RejectedEventFields =
    [
        "id", "eventId", "status", "type", "source", "subject", "plantId", "orderId", "receivedAt", "data", "rawEvent", "errors", "route",
        "routedAt", "ttl", "claimsCompletion",
    ];

    static IEnumerable<string> JsonNames<T>() =>
        ((JsonTypeInfo)CosmosStore.Json.GetTypeInfo(typeof(T))).Properties.Select(p => p.Name);

    [Fact]
    public void The_views_keep_every_field_the_API_has_returned()
    {
        Assert.Empty(ShipmentFields.Except(JsonNames<ShipmentView>()));
        Assert.Empty(LoadFields.Except(JsonNames<LoadDocumentView>()));
        Assert.Empty(RejectedEventFields.Except(JsonNames<RejectedEventView>()));
        Assert.Equal(["load", "shipment"], JsonNames<LoadView>().Order());
    }

    [Fact]
    public async Task A_booked_shipment_reads_through_the_API_with_the_same_values_the_document_holds()
    {
        await using TestApp app = await TestApp.StartAsync(emulators, settings: TestApp.WithCarriers());
        string order = $"PO-{Guid.NewGuid():N}"[..14];
        Assert.Equal(HttpStatusCode.OK, (await app.PostEventsAsync(MesEvents.Batch(MesEvents.Completed(order)))).StatusCode);
        await app.WaitForShipmentAsync(order, ShipmentStatus.Booked);

        JsonObject answered = JsonNode.Parse(await app.Http.GetStringAsync($"api/shipments/{order}"))!.AsObject();
        Shipment stored = (await app.Service<IShipmentStore>().GetAsync(new OrderKey("P100", order)))!;
        JsonObject document = JsonSerializer.SerializeToNode(stored, CosmosStore.Json)!.AsObject();

        Assert.Empty(document.Select(p => p.Key).Except(answered.Select(p => p.Key)));
        foreach (string field in ShipmentFields)
        {
            Assert.True(JsonNode.DeepEquals(document[field], answered[field]), $"{field}: stored {document[field]?.ToJsonString()}, answered {answered[field]?.ToJsonString()}");
        }

        Assert.NotNull(answered["booking"]);
        Assert.NotNull(answered["rateShop"]);
    }

    [Fact]
    public async Task A_refused_event_reads_through_the_API_with_the_same_values_the_record_holds()
    {
        await using TestApp app = await TestApp.StartAsync(emulators);
        string id = $"bad-{Guid.NewGuid():N}";
        JsonObject refused = MesEvents.Completed("PO-REFUSED", id: id);
        refused["data"]!["handlingUnits"] = new JsonArray();
        Assert.Equal(HttpStatusCode.BadRequest, (await app.PostEventsAsync(MesEvents.Batch(refused))).StatusCode);

        JsonObject list = JsonNode.Parse(await app.Http.GetStringAsync("api/events/rejected?limit=1000"))!.AsObject();
        JsonObject answered = list["events"]!.AsArray().Single(e => e!["eventId"]?.GetValue<string>() == id)!.AsObject();
        MesEventRecord stored = (await app.Service<IMesEventStore>().ListRejectedAsync(DateTimeOffset.MinValue, 1000)).Single(r => r.EventId == id);
        JsonObject record = JsonSerializer.SerializeToNode(stored, CosmosStore.Json)!.AsObject();

        Assert.Equal(["count", "events", "since"], list.Select(p => p.Key).Order());
        foreach (string field in RejectedEventFields)
        {
            Assert.True(JsonNode.DeepEquals(record[field], answered[field]), $"{field}: stored {record[field]?.ToJsonString()}, answered {answered[field]?.ToJsonString()}");
        }
    }
}
