using System.Text.Json;
using MesTms.Domain;
using MesTms.Domain.Events;

namespace MesTms.Domain.Tests;

public sealed class MesEventValidatorTests
{
    const string CompletedData = """
        {"plantId":"P100","lineId":"L3","orderId":"PO-1","completedAt":"2026-11-25T07:58:12Z",
         "handlingUnits":[{"count":2,"length":120,"width":100,"height":150,"dimensionUnit":"cm","weight":500,"weightUnit":"kg","stackable":true}],
         "hazmat":{"unNumber":"UN1263","hazardClass":"3","packingGroup":"II"},
         "temperature":{"minCelsius":2,"maxCelsius":8},
         "destination":{"locationId":"DC-ATL-01","postalCode":"30336","country":"US"},
         "requiredDeliveryBy":"2026-11-28T17:00:00Z"}
        """;

    static CloudEventEnvelope Envelope(string type, string data, string source = "/plants/P100/lines/L3", string subject = "orders/PO-1") =>
        new("evt-1", type, source, subject, "1.0", "2026-11-25T08:00:00Z", "application/json", JsonDocument.Parse(data).RootElement.Clone());

    [Fact]
    public void A_complete_production_completed_event_is_valid_with_units_converted()
    {
        MesEventValidation result = MesEventValidator.Validate(Envelope(MesEventTypes.ProductionCompleted, CompletedData));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var completed = Assert.IsType<ProductionCompletedEvent>(result.Event);
        Assert.Equal(new OrderKey("P100", "PO-1"), completed.Order);
        Assert.Equal(2, completed.Data.HandlingUnitCount);
        Assert.Equal(2 * 500 * Units.PoundsPerKilogram, completed.Data.TotalWeightLb);
        Assert.Equal(2 * 1.8m / 0.028316846592m, completed.Data.TotalCubeFt3, 1);
        Assert.Equal("UN1263", completed.Data.Hazmat!.UnNumber);
        Assert.Equal("shipment|P100|PO-1", completed.Order.ShipmentInstanceId);
    }

    [Fact]
    public void Every_bad_field_is_named_not_just_the_first()
    {
        string data = """
            {"plantId":"P999","lineId":"L3","orderId":"PO-1","completedAt":"yesterday",
             "handlingUnits":[{"count":0,"length":120,"width":"wide","height":150,"dimensionUnit":"ft","weight":500,"weightUnit":"kg"}],
             "hazmat":{"unNumber":"1263","hazardClass":"3"},
             "temperature":{"minCelsius":8,"maxCelsius":2},
             "destination":{"locationId":"DC","postalCode":"30336","country":"usa"},
             "requiredDeliveryBy":"2026-11-28T17:00:00"}
            """;
        MesEventValidation result = MesEventValidator.Validate(Envelope(MesEventTypes.ProductionCompleted, data));

        Assert.False(result.IsValid);
        string[] fields = result.Errors.Select(e => e.Field).ToArray();
        Assert.Equal(
            new[]
            {
                "data.plantId", "data.completedAt", "data.handlingUnits[0].count", "data.handlingUnits[0].width",
                "data.handlingUnits[0].dimensionUnit", "data.handlingUnits[0].stackable", "data.hazmat.unNumber",
                "data.hazmat.packingGroup", "data.temperature.maxCelsius", "data.destination.country", "data.requiredDeliveryBy",
            }.Order(),
            fields.Order());
    }

    [Theory]
    [InlineData(null, "specversion")]
    [InlineData("/plants/P100", "source")]
    [InlineData("/plants/P1 00/lines/L3", "source")]
    public void Envelope_errors_name_the_attribute(string? sourceOverride, string field)
    {
        CloudEventEnvelope envelope = Envelope(MesEventTypes.ProductionCompleted, CompletedData);
        envelope = field == "specversion" ? envelope with { SpecVersion = null } : envelope with { Source = sourceOverride };

        MesEventValidation result = MesEventValidator.Validate(envelope);

        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public void Unknown_type_missing_id_and_missing_data_are_all_reported()
    {
        var envelope = new CloudEventEnvelope(null, "mes.production.done.v2", "/plants/P100/lines/L3", "order/PO-1", "1.0", null, "text/plain", null);

        string[] fields = MesEventValidator.Validate(envelope).Errors.Select(e => e.Field).ToArray();

        Assert.Equal(new[] { "data", "datacontenttype", "id", "subject", "type" }, fields.Order());
    }

    [Fact]
    public void Subject_and_data_must_name_the_same_order()
    {
        MesEventValidation result = MesEventValidator.Validate(Envelope(MesEventTypes.ProductionCompleted, CompletedData, subject: "orders/PO-2"));

        FieldError error = Assert.Single(result.Errors);
        Assert.Equal("data.orderId", error.Field);
    }

    [Fact]
    public void Hold_events_are_valid_without_a_line()
    {
        MesEventValidation placed = MesEventValidator.Validate(Envelope(MesEventTypes.QualityHoldPlaced,
            """{"plantId":"P100","orderId":"PO-1","holdId":"QH-1","reason":"Seal check","placedAt":"2026-11-25T08:10:00Z"}"""));
        MesEventValidation released = MesEventValidator.Validate(Envelope(MesEventTypes.QualityHoldReleased,
            """{"plantId":"P100","orderId":"PO-1","holdId":"QH-1","releasedAt":"2026-11-25T09:10:00+01:00"}"""));

        Assert.True(placed.IsValid, string.Join("; ", placed.Errors));
        Assert.True(released.IsValid, string.Join("; ", released.Errors));
        Assert.Equal("QH-1", Assert.IsType<QualityHoldReleasedEvent>(released.Event).Data.HoldId);
    }

    [Fact]
    public void A_scheduled_event_needs_only_the_forecast()
    {
        MesEventValidation result = MesEventValidator.Validate(Envelope(MesEventTypes.ProductionScheduled,
            """{"plantId":"P100","lineId":"L3","orderId":"PO-1","expectedCompletionAt":"2026-11-25T14:00:00Z"}"""));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void A_scheduled_event_may_say_what_the_door_must_handle_and_bad_values_are_named()
    {
        MesEventValidation cold = MesEventValidator.Validate(Envelope(MesEventTypes.ProductionScheduled,
            """{"plantId":"P100","lineId":"L3","orderId":"PO-1","expectedCompletionAt":"2026-11-25T14:00:00Z","temperature":{"minCelsius":2,"maxCelsius":6},"hazmat":{"unNumber":"UN1263","hazardClass":"3","packingGroup":"II"}}"""));
        MesEventValidation broken = MesEventValidator.Validate(Envelope(MesEventTypes.ProductionScheduled,
            """{"plantId":"P100","lineId":"L3","orderId":"PO-1","expectedCompletionAt":"2026-11-25T14:00:00Z","temperature":{"minCelsius":9,"maxCelsius":6}}"""));

        ProductionScheduled data = Assert.IsType<ProductionScheduledEvent>(cold.Event).Data;
        Assert.Equal(2, data.Temperature!.MinCelsius);
        Assert.Equal("3", data.Hazmat!.HazardClass);
        Assert.False(broken.IsValid);
        Assert.Contains(broken.Errors, e => e.Field.Contains("temperature"));
    }
}
