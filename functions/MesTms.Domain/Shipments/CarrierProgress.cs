namespace MesTms.Domain.Shipments;

/// <summary>
/// The carrier statuses the bridge acts on, by the names of the JSON status route, with the X12 214 AT7-01 codes they
/// come from: X3 arrived at pick-up, AF loaded and departed pick-up, X1 arrived at delivery, D1 delivered.
/// </summary>
public static class CarrierStatusCodes
{
    public const string ArrivedAtPickup = "arrived-at-pickup";
    public const string DepartedPickup = "departed-pickup";
    public const string ArrivedAtDelivery = "arrived-at-delivery";
    public const string Delivered = "delivered";

    public static readonly IReadOnlyList<string> All = [ArrivedAtPickup, DepartedPickup, ArrivedAtDelivery, Delivered];

    /// <summary>The status of an X12 214 AT7-01 code, or null for a code the bridge only keeps (e.g. AG estimated delivery).</summary>
    public static string? FromX12(string at7Code) => at7Code switch
    {
        "X3" => ArrivedAtPickup,
        "AF" or "CP" => DepartedPickup,
        "X1" => ArrivedAtDelivery,
        "D1" => Delivered,
        _ => null,
    };

    public static string ToX12(string code) => code switch
    {
        ArrivedAtPickup => "X3",
        DepartedPickup => "AF",
        ArrivedAtDelivery => "X1",
        Delivered => "D1",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not a carrier status."),
    };
}

/// <summary>One status a carrier reported for a booked tender: what, when (the carrier's time of the event), why, where.</summary>
public sealed record CarrierStatusReport(string Code, DateTimeOffset At, string? Reason = null, string? City = null, string? State = null);

/// <summary>
/// What the carrier reported so far on a booked shipment, and what it means: the truck's real arrival and departure at the
/// dock (its time at the door and any detention beyond the free time), delivery, and whether pick-up and delivery were on
/// time against the appointment and the promised delivery.
/// </summary>
public sealed record ShipmentProgress
{
    public required string TenderId { get; init; }

    public required string Scac { get; init; }

    /// <summary>When the carrier was due at the door (the dock appointment, or its own pick-up window, or the pick-up day).</summary>
    public required DateTimeOffset PickupDue { get; init; }

    /// <summary>When the freight was due at the customer (the required delivery, or the booked estimate for expedited freight).</summary>
    public required DateTimeOffset DeliveryDue { get; init; }

    public DateTimeOffset? ArrivedAtPickup { get; init; }

    public DateTimeOffset? DepartedPickup { get; init; }

    public DateTimeOffset? ArrivedAtDelivery { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>How late the truck came after <see cref="PickupDue"/> plus the grace (null: on time or not known yet).</summary>
    public TimeSpan? PickupLateBy { get; init; }

    public bool? PickedUpOnTime { get; init; }

    public TimeSpan? DeliveryLateBy { get; init; }

    public bool? DeliveredOnTime { get; init; }

    /// <summary>Arrival to departure at the plant: the real dock-to-departure time.</summary>
    public TimeSpan? TimeAtDock { get; init; }

    /// <summary>The part of <see cref="TimeAtDock"/> beyond the free time, which the carrier may bill as detention.</summary>
    public TimeSpan? Detention { get; init; }

    /// <summary>The last place the carrier reported ("Joliet, IL").</summary>
    public string? LastLocation { get; init; }
}

/// <summary>What a carrier status changed, for the adapters to tell planners, the dock schedule and the carrier's record.</summary>
/// <param name="Recorded">False when nothing changed (the same status again, or one for a tender that is not the booking).</param>
/// <param name="Refusal">Why the status was not taken (not booked, another tender), or null.</param>
/// <param name="PickupJudged">The report decided on-time pick-up for the first time (its <see cref="ShipmentProgress.PickedUpOnTime"/>).</param>
/// <param name="DeliveryJudged">The report decided on-time delivery for the first time.</param>
/// <param name="BecameLate">The truck arrived late for the first time: planners are alerted and its door moved.</param>
/// <param name="Departed">The shipment left the plant with this report.</param>
/// <param name="Delivered">The shipment was delivered with this report.</param>
public sealed record CarrierStatusEffect(bool Recorded, string? Refusal, bool PickupJudged, bool DeliveryJudged, bool BecameLate, bool Departed, bool Delivered)
{
    public static CarrierStatusEffect Refused(string why) => new(false, why, false, false, false, false, false);

    public static readonly CarrierStatusEffect Unchanged = new(false, null, false, false, false, false, false);
}

/// <summary>
/// The rules of carrier statuses on a booked shipment, pure: each status is a fact taken once (the first report of each
/// kind counts; a repeated one changes nothing); statuses may arrive in any order; a shipment that left is
/// <see cref="ShipmentStatus.InTransit"/>, a delivered one <see cref="ShipmentStatus.Delivered"/> (never back).
/// Pick-up is on time when the truck arrives by the appointment plus <see cref="ShipmentPolicy.LatePickupGrace"/> (or, with
/// no arrival reported, leaves by the appointment's end plus the grace); delivery when it arrives by the due time.
/// </summary>
public static class CarrierProgressRules
{
    /// <summary>The default of <c>MesTms:Carriers:StatusClockSkew</c>: how far ahead of the bridge's clock a status may be dated.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Nothing is taken from the future: a status dated more than <paramref name="skew"/> after the bridge's
    /// <paramref name="now"/> is a wrong clock or a wrong date and is refused, never applied. Returns why, or null.
    /// </summary>
    public static string? FromTheFuture(DateTimeOffset at, DateTimeOffset now, TimeSpan skew) => at > now + skew
        ? $"dated {at.ToUniversalTime():u}, {ShipmentLifecycle.FormatDuration(at - now)} after the bridge's clock ({now.ToUniversalTime():u}); " +
          $"at most {ShipmentLifecycle.FormatDuration(skew)} ahead is accepted"
        : null;

    public static (Shipment Next, CarrierStatusEffect Effect) Apply(Shipment shipment, string tenderId, CarrierStatusReport report, ShipmentPolicy policy, DateTimeOffset now)
    {
        if (shipment.Booking is not { } booking)
        {
            return shipment.Progress?.TenderId == tenderId
                ? (shipment, CarrierStatusEffect.Unchanged)
                : (shipment, CarrierStatusEffect.Refused($"{shipment.PlantId}/{shipment.OrderId} is {shipment.Status}, not booked: no carrier status is taken"));
        }

        if (booking.TenderId != tenderId)
        {
            return (shipment, CarrierStatusEffect.Refused($"tender {tenderId} is not the booking of {shipment.PlantId}/{shipment.OrderId} (booked on {booking.TenderId})"));
        }

        ShipmentProgress before = shipment.Progress ?? Start(shipment, booking);
        ShipmentProgress next = report.Code switch
        {
            CarrierStatusCodes.ArrivedAtPickup => before with { ArrivedAtPickup = before.ArrivedAtPickup ?? report.At },
            CarrierStatusCodes.DepartedPickup => before with { DepartedPickup = before.DepartedPickup ?? report.At },
            CarrierStatusCodes.ArrivedAtDelivery => before with { ArrivedAtDelivery = before.ArrivedAtDelivery ?? report.At },
            CarrierStatusCodes.Delivered => before with { DeliveredAt = before.DeliveredAt ?? report.At },
            _ => throw new ArgumentOutOfRangeException(nameof(report), report.Code, "Not a carrier status."),
        };
        string? where = report.City is { Length: > 0 } city ? report.State is { Length: > 0 } state ? $"{city}, {state}" : city : null;
        next = Judge(next with { LastLocation = where ?? next.LastLocation }, shipment.DockAppointment, policy);
        if (next == before && shipment.Progress is not null)
        {
            return (shipment, CarrierStatusEffect.Unchanged);
        }

        ShipmentStatus reported = next.DeliveredAt is not null ? ShipmentStatus.Delivered
            : next.DepartedPickup is not null || next.ArrivedAtDelivery is not null ? ShipmentStatus.InTransit
            : shipment.Status;
        // A truck that left with freight on quality hold: the facts are kept, the status stays for planners to see.
        ShipmentStatus status = Shipment.MayBecome(shipment.Status, reported) ? reported : shipment.Status;
        bool becameLate = next.PickedUpOnTime == false && before.PickedUpOnTime is null;
        Shipment updated = shipment.Decide($"carrier-{report.Code}-{tenderId}", report.At, Describe(report.Code), Explain(report, next, booking, where), now,
            s => s with { Progress = next }, status);
        var effect = new CarrierStatusEffect(true, null, before.PickedUpOnTime is null && next.PickedUpOnTime is not null,
            before.DeliveredOnTime is null && next.DeliveredOnTime is not null, becameLate,
            shipment.Status is not (ShipmentStatus.InTransit or ShipmentStatus.Delivered) && status is ShipmentStatus.InTransit or ShipmentStatus.Delivered,
            shipment.Status != ShipmentStatus.Delivered && status == ShipmentStatus.Delivered);
        return (updated, effect);
    }

    /// <summary>
    /// A late truck's door follows it: when the truck came late, after its appointment began, has not left yet and its door
    /// has not yet seen it, the door is re-planned from the arrival (returned); otherwise null (the door stands).
    /// </summary>
    public static DateTimeOffset? DoorFollowsTruckFrom(ShipmentProgress progress, Docks.DockAppointment door) =>
        progress.PickedUpOnTime == false && progress.ArrivedAtPickup is { } arrived && progress.DepartedPickup is null
            && door.ArrivedAt is null && arrived > door.Start
            ? arrived
            : null;

    /// <summary>The door as the truck really used it: its reported arrival and departure on the appointment (kept once known).</summary>
    public static Docks.DockAppointment OnDoor(ShipmentProgress progress, Docks.DockAppointment door) =>
        door with { ArrivedAt = progress.ArrivedAtPickup ?? door.ArrivedAt, DepartedAt = progress.DepartedPickup ?? door.DepartedAt };

    /// <summary>When pick-up and delivery were due for a booking, before any status.</summary>
    public static ShipmentProgress Start(Shipment shipment, Booking booking)
    {
        DateTimeOffset pickupDue = shipment.DockAppointment?.Start ?? booking.PickupConfirmation?.PickupFrom
            ?? new DateTimeOffset(booking.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        DateTimeOffset deliveryDue = shipment.Late is not null || shipment.RequiredDeliveryBy is null ? booking.EstimatedDelivery : shipment.RequiredDeliveryBy.Value;
        return new ShipmentProgress { TenderId = booking.TenderId, Scac = booking.Scac, PickupDue = pickupDue, DeliveryDue = deliveryDue };
    }

    static ShipmentProgress Judge(ShipmentProgress p, Docks.DockAppointment? door, ShipmentPolicy policy)
    {
        bool? pickedUpOnTime = p.PickedUpOnTime;
        TimeSpan? lateBy = p.PickupLateBy;
        if (pickedUpOnTime is null && p.ArrivedAtPickup is { } arrived)
        {
            TimeSpan late = arrived - (p.PickupDue + policy.LatePickupGrace);
            (pickedUpOnTime, lateBy) = late > TimeSpan.Zero ? (false, arrived - p.PickupDue) : (true, (TimeSpan?)null);
        }
        else if (pickedUpOnTime is null && p.DepartedPickup is { } left)
        {
            DateTimeOffset dueToLeave = (door?.End ?? p.PickupDue) + policy.LatePickupGrace;
            (pickedUpOnTime, lateBy) = left > dueToLeave ? (false, left - (door?.End ?? p.PickupDue)) : (true, (TimeSpan?)null);
        }

        bool? deliveredOnTime = p.DeliveredOnTime;
        TimeSpan? deliveryLate = p.DeliveryLateBy;
        if (deliveredOnTime is null && p.DeliveredAt is { } delivered)
        {
            (deliveredOnTime, deliveryLate) = delivered > p.DeliveryDue ? (false, delivered - p.DeliveryDue) : (true, (TimeSpan?)null);
        }

        TimeSpan? atDock = p.ArrivedAtPickup is { } a && p.DepartedPickup is { } d && d >= a ? d - a : null;
        TimeSpan? detention = atDock is { } t && t > policy.DetentionFreeTime ? t - policy.DetentionFreeTime : null;
        return p with
        {
            PickedUpOnTime = pickedUpOnTime, PickupLateBy = lateBy, DeliveredOnTime = deliveredOnTime, DeliveryLateBy = deliveryLate,
            TimeAtDock = atDock, Detention = detention,
        };
    }

    static string Describe(string code) => code switch
    {
        CarrierStatusCodes.ArrivedAtPickup => "Carrier arrived at the plant",
        CarrierStatusCodes.DepartedPickup => "Loaded and departed",
        CarrierStatusCodes.ArrivedAtDelivery => "Arrived at delivery",
        _ => "Delivered",
    };

    static string Explain(CarrierStatusReport report, ShipmentProgress p, Booking booking, string? where)
    {
        string text = $"{booking.Scac} reported {report.Code} at {report.At:u}" + (where is null ? "" : $" in {where}");
        text += report.Code switch
        {
            CarrierStatusCodes.ArrivedAtPickup when p.PickedUpOnTime == false => $"; {ShipmentLifecycle.FormatDuration(p.PickupLateBy!.Value)} after the appointment at {p.PickupDue:u}: late",
            CarrierStatusCodes.ArrivedAtPickup => $"; due {p.PickupDue:u}: on time",
            CarrierStatusCodes.DepartedPickup when p.TimeAtDock is { } t => $"; {ShipmentLifecycle.FormatDuration(t)} at the dock" +
                (p.Detention is { } d ? $", {ShipmentLifecycle.FormatDuration(d)} beyond the free time (detention)" : ""),
            CarrierStatusCodes.Delivered when p.DeliveredOnTime == false => $"; {ShipmentLifecycle.FormatDuration(p.DeliveryLateBy!.Value)} after {p.DeliveryDue:u}: late",
            CarrierStatusCodes.Delivered => $"; due {p.DeliveryDue:u}: on time",
            _ => "",
        };
        return report.Reason is { Length: > 0 } reason ? $"{text} (reason {reason})" : text;
    }
}
