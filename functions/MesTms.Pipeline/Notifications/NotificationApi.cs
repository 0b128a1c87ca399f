using System.Globalization;
using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Pipeline.Http;
using MesTms.Pipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;

namespace MesTms.Pipeline.Notifications;

/// <summary>A planner notification as the API shows it: the CloudEvent's fields and where it stands with each subscriber.</summary>
public sealed record NotificationView(string Id, string Type, string Subject, DateTimeOffset Time, JsonElement Data, IReadOnlyList<NotificationDelivery> Deliveries)
{
    public static NotificationView From(PlannerNotification n) => new(n.Id, n.Type, n.Subject, n.Time, n.Data, n.Deliveries ?? []);
}

/// <summary>The answer of <c>GET /api/notifications</c>.</summary>
public sealed record NotificationList(int Count, IReadOnlyList<NotificationView> Notifications);

/// <summary>
/// <c>GET /api/notifications[?type=&amp;orderId=&amp;loadId=&amp;limit=]</c>: the planner notifications in the outbox, newest first,
/// with their deliveries (pending, delivered, dead-lettered with the last error). An order or load matches by the
/// notification's subject or by the ids in its data.
/// </summary>
public sealed class NotificationApi(CosmosStore store)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        ApiRoute.Get("ListNotifications", "notifications", call => call.Service<NotificationApi>().ListAsync(call.Http))
            .Documented(new ApiDoc("Notifications", "List planner notifications",
                "The notifications in the outbox, newest first, with each subscriber's delivery (pending, delivered, dead-lettered). Schema: /api/schemas/planner-notifications.v1.json.",
                [new ApiAnswer(200, "The notifications.", typeof(NotificationList))])
            {
                Query =
                [
                    new ApiQuery("type", "A notification type, e.g. mestms.shipment.booked.v1."),
                    new ApiQuery("orderId", "Notifications about this order."),
                    new ApiQuery("loadId", "Notifications about this load."),
                    new ApiQuery("limit", "1-1000; default 100.", "integer"),
                ],
                Errors = [(400, "A bad filter or limit.")],
            }),
    ];

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var errors = new List<FieldError>();
        int limit = DefaultLimit;
        if (http.Request.Query["limit"].ToString() is { Length: > 0 } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            errors.Add(new FieldError("limit", $"must be a whole number from 1 to {MaxLimit}"));
        }

        string? type = Text(http, "type"), order = Text(http, "orderId"), load = Text(http, "loadId");
        foreach ((string name, string? value) in new[] { ("type", type), ("orderId", order), ("loadId", load) })
        {
            if (value is { Length: > 200 })
            {
                errors.Add(new FieldError(name, "must be at most 200 characters"));
            }
        }

        if (errors.Count > 0)
        {
            return HttpJson.Problem(StatusCodes.Status400BadRequest, "invalid-query", "Invalid query", "See errors.", errors);
        }

        List<NotificationView> views = (await FindAsync(type, http.RequestAborted))
            .Where(n => order is null || Mentions(n, "orders", order, "orderId", "orders"))
            .Where(n => load is null || Mentions(n, "loads", load, "loadId", null))
            .OrderByDescending(n => n.Time).ThenByDescending(n => n.Id, StringComparer.Ordinal).Take(limit)
            .Select(NotificationView.From).ToList();
        return HttpJson.Ok(new NotificationList(views.Count, views));
    }

    /// <summary>The newest notifications, newest first (the dashboard's feed).</summary>
    public async Task<IReadOnlyList<NotificationView>> LatestAsync(int limit, CancellationToken cancellationToken) =>
        (await FindAsync(null, cancellationToken)).OrderByDescending(n => n.Time).ThenByDescending(n => n.Id, StringComparer.Ordinal)
            .Take(limit).Select(NotificationView.From).ToList();

    async Task<List<PlannerNotification>> FindAsync(string? type, CancellationToken cancellationToken)
    {
        var sql = "SELECT * FROM c WHERE IS_DEFINED(c.type)";
        var parameters = new List<(string, object)>();
        if (type is not null)
        {
            sql += " AND c.type = @type";
            parameters.Add(("@type", type));
        }

        var query = new QueryDefinition(sql);
        foreach ((string name, object value) in parameters)
        {
            query = query.WithParameter(name, value);
        }

        var found = new List<PlannerNotification>();
        using (FeedIterator<PlannerNotification> iterator = store.Notifications.GetItemQueryIterator<PlannerNotification>(query))
        {
            while (iterator.HasMoreResults)
            {
                found.AddRange(await iterator.ReadNextAsync(cancellationToken));
            }
        }

        return found;
    }

    static string? Text(HttpContext http, string name) => http.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>The subject names it (<c>…/orders/{id}</c>), or the data carries it as a field or in a list.</summary>
    static bool Mentions(PlannerNotification n, string kind, string id, string field, string? listField)
    {
        if (n.Subject.EndsWith($"/{kind}/{id}", StringComparison.Ordinal))
        {
            return true;
        }

        if (n.Data.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (n.Data.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() == id)
        {
            return true;
        }

        return listField is not null && n.Data.TryGetProperty(listField, out JsonElement list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == id);
    }
}
