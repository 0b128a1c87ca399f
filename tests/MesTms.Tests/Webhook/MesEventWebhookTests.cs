using System.Net;
using System.Text;
using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Storage;
using MesTms.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

using MesTms.Pipeline.Docks;

namespace MesTms.Tests.Webhook;

/// <summary>Webhook protocol decisions that need a failing or scripted store: Moq stands in for Cosmos and Durable.</summary>
public sealed class MesEventWebhookTests
{
    readonly Mock<IMesEventStore> events = new();
    readonly Mock<IQualityHoldStore> holds = new(MockBehavior.Strict);
    readonly Mock<DurableTaskClient> durable = new("test");

    MesEventWebhook CreateWebhook()
    {
        var router = new MesEventRouter(events.Object, holds.Object, new ShipmentPolicy(), DocksOff(), new MesTms.Pipeline.Time.WorkflowClockSource(), NullLogger<MesEventRouter>.Instance);
        var options = new WebhookOptions();
        return new MesEventWebhook(events.Object, new PendingRoutes(events.Object, router, options, TimeProvider.System, NullLogger<PendingRoutes>.Instance),
            options, TimeProvider.System, NullLogger<MesEventWebhook>.Instance);
    }

    /// <summary>Dock pre-planning with no dock model: forecasts are only recorded (no store is touched).</summary>
    static DockPrePlanning DocksOff()
    {
        var options = new DockOptions();
        var store = new Mock<IDockStore>(MockBehavior.Strict);
        var scheduling = new DockScheduling(store.Object, new DockCatalog(options), options, Mock.Of<MesTms.Pipeline.Notifications.IPlannerNotifier>(),
            Mock.Of<ICarrierAppointmentNotices>(), TimeProvider.System, NullLogger<DockScheduling>.Instance);
        return new DockPrePlanning(store.Object, Mock.Of<IShipmentStore>(MockBehavior.Strict), Mock.Of<IQualityHoldStore>(MockBehavior.Strict), scheduling, options,
            TimeProvider.System);
    }

    static DefaultHttpContext Request(string body)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Method = "POST";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Response.Body = new MemoryStream();
        return http;
    }

    static JsonElement ResponseJson(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return JsonDocument.Parse(http.Response.Body).RootElement.Clone();
    }

    [Fact]
    public async Task A_Cosmos_outage_answers_503_with_Retry_After_so_Event_Grid_retries()
    {
        events.Setup(e => e.RecordAcceptedAsync(It.IsAny<MesEvent>(), It.IsAny<JsonElement>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>(), It.IsAny<bool>()))
            .ThrowsAsync(new CosmosException("Service unavailable", HttpStatusCode.ServiceUnavailable, 0, "activity", 0));
        DefaultHttpContext http = Request(MesEvents.Batch(MesEvents.Completed("PO-1")));

        await (await CreateWebhook().HandleAsync(http, durable.Object)).ExecuteAsync(http);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("10", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/problem+json", http.Response.ContentType);
        durable.Verify(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object>(), It.IsAny<StartOrchestrationOptions>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_redelivered_event_that_was_already_routed_changes_nothing()
    {
        events.Setup(e => e.RecordAcceptedAsync(It.IsAny<MesEvent>(), It.IsAny<JsonElement>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>(), It.IsAny<bool>()))
            .ReturnsAsync((MesEvent e, JsonElement _, DateTimeOffset at, CancellationToken _, bool _) =>
                (new MesEventRecord { Id = e.Id, Status = MesEventRecord.Accepted, ReceivedAt = at, Route = "started shipment workflow" }, false));
        DefaultHttpContext http = Request(MesEvents.Batch(MesEvents.Completed("PO-1")));

        await (await CreateWebhook().HandleAsync(http, durable.Object)).ExecuteAsync(http);

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal(1, ResponseJson(http).GetProperty("duplicates").GetInt32());
        durable.VerifyNoOtherCalls();
        events.Verify(e => e.MarkRoutedAsync(It.IsAny<MesEventRecord>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_event_recorded_by_a_delivery_that_crashed_before_routing_is_routed_on_redelivery()
    {
        events.Setup(e => e.RecordAcceptedAsync(It.IsAny<MesEvent>(), It.IsAny<JsonElement>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>(), It.IsAny<bool>()))
            .ReturnsAsync((MesEvent e, JsonElement _, DateTimeOffset at, CancellationToken _, bool _) =>
                (new MesEventRecord { Id = e.Id, Status = MesEventRecord.Accepted, ReceivedAt = at }, false));
        events.Setup(e => e.ClaimCompletionAsync(It.IsAny<MesTms.Domain.OrderKey>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((MesTms.Domain.OrderKey _, string eventId, CancellationToken _) => eventId);
        durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object>(), It.IsAny<StartOrchestrationOptions>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync("shipment|P100|PO-7");
        DefaultHttpContext http = Request(MesEvents.Batch(MesEvents.Completed("PO-7")));

        await (await CreateWebhook().HandleAsync(http, durable.Object)).ExecuteAsync(http);

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        durable.Verify(d => d.ScheduleNewOrchestrationInstanceAsync(
            It.Is<TaskName>(n => n.Name == "ShipmentOrchestration"), It.IsAny<object>(),
            It.Is<StartOrchestrationOptions>(o => o.InstanceId == "shipment|P100|PO-7" && o.DedupeStatuses!.Count > 0), It.IsAny<CancellationToken>()), Times.Once);
        events.Verify(e => e.MarkRoutedAsync(It.IsAny<MesEventRecord>(), It.Is<string>(r => r.StartsWith("started")), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_hold_whose_ledger_change_landed_before_a_crash_still_signals_the_workflow_on_redelivery()
    {
        // The first delivery changed the ledger, then failed before signalling (the event was never marked routed).
        events.Setup(e => e.RecordAcceptedAsync(It.IsAny<MesEvent>(), It.IsAny<JsonElement>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>(), It.IsAny<bool>()))
            .ReturnsAsync((MesEvent e, JsonElement _, DateTimeOffset at, CancellationToken _, bool _) =>
                (new MesEventRecord { Id = e.Id, Status = MesEventRecord.Accepted, ReceivedAt = at }, false));
        QualityHoldLedger held = QualityHoldLedger.Empty.Place("QH-5", "seal broken", DateTimeOffset.UtcNow).Ledger;
        holds.Setup(h => h.UpdateAsync(It.IsAny<MesTms.Domain.OrderKey>(), It.IsAny<Func<QualityHoldLedger, (QualityHoldLedger, bool)>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((held, false));
        durable.Setup(d => d.GetInstanceAsync("shipment|P100|PO-8", false, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata("ShipmentOrchestration", "shipment|P100|PO-8") { RuntimeStatus = OrchestrationRuntimeStatus.Running });
        DefaultHttpContext http = Request(MesEvents.Batch(MesEvents.HoldPlaced("PO-8", "QH-5")));

        await (await CreateWebhook().HandleAsync(http, durable.Object)).ExecuteAsync(http);

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        durable.Verify(d => d.RaiseEventAsync("shipment|P100|PO-8", "QualityHoldChanged", It.IsAny<object>(), It.IsAny<CancellationToken>()), Times.Once);
        events.Verify(e => e.MarkRoutedAsync(It.IsAny<MesEventRecord>(), It.Is<string>(r => r.Contains("signalled")), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Undecodable_data_base64_is_refused_with_that_reason()
    {
        events.Setup(e => e.RecordRejectedAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(),
                It.IsAny<IReadOnlyList<FieldError>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new MesEventRecord { Id = "rejected-x", Status = MesEventRecord.Rejected });
        System.Text.Json.Nodes.JsonObject completed = MesEvents.Completed("PO-1");
        completed.Remove("data");
        completed["data_base64"] = "%%% not base64 %%%";
        DefaultHttpContext http = Request(MesEvents.Batch(completed));

        await (await CreateWebhook().HandleAsync(http, durable.Object)).ExecuteAsync(http);

        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        JsonElement error = ResponseJson(http).GetProperty("events")[0].GetProperty("problem").GetProperty("errors")[0];
        Assert.Equal("data_base64", error.GetProperty("field").GetString());
        Assert.Equal("is not valid base64", error.GetProperty("message").GetString());
    }

    [Fact]
    public void A_missing_or_broken_carrier_contract_file_stops_the_host_at_start_up()
    {
        var missing = Assert.Throws<InvalidOperationException>(() =>
            new MesTms.Pipeline.Carriers.CarrierCatalog(new MesTms.Pipeline.Carriers.CarrierOptions { ContractsPath = "/nowhere/carriers.json" }, new Dictionary<string, MesTms.Pipeline.Carriers.PlantOptions>()));
        Assert.Contains("/nowhere/carriers.json", missing.Message);

        string broken = Path.GetTempFileName();
        File.WriteAllText(broken, "{\"version\": \"x\", \"carriers\": []}");
        try
        {
            Assert.Throws<InvalidDataException>(() =>
                new MesTms.Pipeline.Carriers.CarrierCatalog(new MesTms.Pipeline.Carriers.CarrierOptions { ContractsPath = broken }, new Dictionary<string, MesTms.Pipeline.Carriers.PlantOptions>()));
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("42")]
    [InlineData("[]")]
    public async Task A_body_that_is_not_an_event_or_a_batch_is_400(string body)
    {
        DefaultHttpContext http = Request(body);

        await (await CreateWebhook().HandleAsync(http, durable.Object)).ExecuteAsync(http);

        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
        events.VerifyNoOtherCalls();
    }
}
