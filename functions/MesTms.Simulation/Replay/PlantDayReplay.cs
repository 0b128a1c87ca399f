using MesTms.Domain;
using MesTms.Domain.Docks;
using MesTms.Domain.Events;
using MesTms.Domain.Holds;
using MesTms.Domain.Loads;
using MesTms.Domain.Rating;
using MesTms.Domain.Shipments;
using MesTms.Domain.Tendering;

namespace MesTms.Simulation.Replay;

/// <summary>
/// Replays a day of MES events in virtual time under one <see cref="PlanningPolicy"/>, through the rules the live
/// workflows use: <see cref="ShipmentLifecycle"/> decides each order's next step, <see cref="Load.Join"/> consolidates,
/// <see cref="RateShopper"/> prices, the tender waterfall runs best first up to <see cref="ShipmentPolicy.MaxTenders"/>
/// with <see cref="ShipmentPolicy.TenderResponseTimeout"/>, and <see cref="DockScheduler"/> gives doors. Only the outside
/// world is simulated: carriers answer, accept and arrive by seeded draws keyed by tender id, and a truck leaves at the
/// end of its door appointment. Under <see cref="PlanningPolicy.Batch"/> transport hears of MES events and wakes for its
/// own deadlines only at the planning runs; carriers' answers arrive when they are given, as in any TMS.
/// </summary>
public sealed class PlantDayReplay
{
    readonly ReplaySettings settings;
    readonly PlanningPolicy policy;
    readonly RateShopper shopper;
    readonly Dictionary<string, PlantDockModel> docks;
    readonly PriorityQueue<Action, (DateTimeOffset At, long Sequence)> agenda = new();
    readonly Dictionary<OrderKey, OrderRun> orders = [];
    readonly Dictionary<OrderKey, QualityHoldLedger> known = [];
    readonly Dictionary<OrderKey, List<(DateTimeOffset At, bool Clear)>> physicallyReady;
    readonly Dictionary<string, Load> openLoads = new(StringComparer.Ordinal);
    readonly Dictionary<(string Plant, DateOnly Day), List<DockAppointment>> schedule = [];
    readonly List<TruckRun> trucks = [];

    /// <summary>Doors planned from forecasts (<c>production.scheduled</c>), by order, as the live dock pre-planning keeps them.</summary>
    readonly Dictionary<OrderKey, ForecastDoor> forecastDoors = [];
    readonly HashSet<string> eventIds = new(StringComparer.Ordinal);

    /// <summary>Tender acceptance observed during the day (as the live bridge's performance store records it), by SCAC.</summary>
    readonly Dictionary<string, CarrierPerformance> observed = new(StringComparer.Ordinal);
    long sequence;
    DateTimeOffset now;
    int duplicates, forecasts, escalations;

    PlantDayReplay(IReadOnlyList<ScenarioEvent> events, ReplaySettings settings, PlanningPolicy policy, RateShopper shopper)
    {
        this.settings = settings;
        this.policy = policy;
        this.shopper = shopper;
        docks = settings.Docks.ToDictionary(d => d.PlantId, StringComparer.Ordinal);
        physicallyReady = PhysicalReadiness(events);
    }

    /// <summary>Replays <paramref name="events"/> (ordered by <see cref="ScenarioEvent.At"/>) to the end of everything they set going.</summary>
    /// <param name="shopper">Built once over <see cref="ReplaySettings.Contracts"/> and shared by both policies.</param>
    /// <param name="progress">Called with the number of scenario events handled so far.</param>
    public static ReplayRun Run(IReadOnlyList<ScenarioEvent> events, ReplaySettings settings, PlanningPolicy policy, RateShopper shopper, Action<int>? progress = null)
    {
        IReadOnlyList<string> problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Replay settings: {string.Join("; ", problems)}", nameof(settings));
        }

        var replay = new PlantDayReplay(events, settings, policy, shopper);
        int handled = 0;
        foreach (ScenarioEvent e in events)
        {
            replay.At(replay.Learns(e.At), () =>
            {
                replay.Handle(e.Event);
                progress?.Invoke(++handled);
            });
        }

        replay.RunAgenda(events.Count == 0 ? DateTimeOffset.MinValue : events[^1].At + TimeSpan.FromDays(30));
        return replay.Result(events.Count);
    }

    /// <summary>When transport learns of something that happened at <paramref name="at"/>.</summary>
    DateTimeOffset Learns(DateTimeOffset at) => policy == PlanningPolicy.Batch ? NextRun(at) : at + settings.EventLatency;

    /// <summary>When transport acts on its own deadline: at once event-driven, at the next planning run in batch.</summary>
    DateTimeOffset Wakes(DateTimeOffset at) => policy == PlanningPolicy.Batch ? NextRun(at) : at;

    /// <summary>The first planning run at or after <paramref name="at"/> (runs every day at the configured times, UTC).</summary>
    public static DateTimeOffset NextRun(DateTimeOffset at, IReadOnlyList<TimeOnly> runs)
    {
        DateTimeOffset utc = at.ToUniversalTime();
        DateOnly day = DateOnly.FromDateTime(utc.UtcDateTime);
        for (int d = 0; d <= 1; d++)
        {
            foreach (TimeOnly run in runs.Order())
            {
                var candidate = new DateTimeOffset(day.AddDays(d).ToDateTime(run), TimeSpan.Zero);
                if (candidate >= utc)
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("No planning run configured.");
    }

    DateTimeOffset NextRun(DateTimeOffset at) => NextRun(at, settings.BatchRuns);

    void At(DateTimeOffset at, Action action) => agenda.Enqueue(action, (at, sequence++));

    void RunAgenda(DateTimeOffset horizon)
    {
        // (moment, sequence) orders the agenda: earlier first, and what was planned first among equals.
        while (agenda.TryDequeue(out Action? action, out (DateTimeOffset At, long Sequence) key) && key.At <= horizon)
        {
            now = key.At;
            action();
        }
    }

    void Handle(MesEvent e)
    {
        if (!eventIds.Add(e.Id))
        {
            duplicates++;
            return;
        }

        OrderKey key = e.Order;
        switch (e)
        {
            case ProductionCompletedEvent completed:
                if (orders.ContainsKey(key))
                {
                    duplicates++;
                    return;
                }

                var run = new OrderRun(key, completed, now);
                orders[key] = run;
                Deliver(run, new ShipmentEvent.Started());
                break;
            case QualityHoldPlacedEvent placed:
                ChangeHolds(key, known.GetValueOrDefault(key, QualityHoldLedger.Empty).Place(placed.Data.HoldId, placed.Data.Reason, placed.Data.PlacedAt));
                break;
            case QualityHoldReleasedEvent released:
                ChangeHolds(key, known.GetValueOrDefault(key, QualityHoldLedger.Empty)
                    .Release(released.Data.HoldId, released.Data.ReleasedAt, released.Data.ReleasedBy, released.Data.Note));
                break;
            case ProductionScheduledEvent scheduled:
                forecasts++;
                PlanFromForecast(scheduled);
                break;
        }
    }

    void ChangeHolds(OrderKey key, (QualityHoldLedger Ledger, bool Changed) change)
    {
        if (!change.Changed)
        {
            return;
        }

        known[key] = change.Ledger;
        if (!orders.TryGetValue(key, out OrderRun? run) || !run.State.ReadyRecorded)
        {
            // Before the order is ready its forecast door follows its holds (afterwards its workflow owns the door).
            FollowHoldsBeforeReady(key, change.Ledger);
        }

        if (run is null)
        {
            return;
        }

        if (run.Waiting)
        {
            run.Waiting = false;
            run.WaitToken++;
            Deliver(run, new ShipmentEvent.HoldChanged());
        }
        else if (run.State.Phase == ShipmentPhase.Tendering && change.Ledger.IsOnHold && run.Truck is { Waterfall: not null } truck)
        {
            // A hold stops the waterfall (the decider withdraws the open tender); the order is re-planned after release.
            Drive(truck, new TenderWaterfallEvent.Stopped($"quality hold during tendering ({QualityHold.Describe(change.Ledger.Active)})"));
        }
    }

    QualityHoldSnapshot Snapshot(OrderKey key)
    {
        QualityHoldLedger ledger = known.GetValueOrDefault(key, QualityHoldLedger.Empty);
        return new QualityHoldSnapshot(ledger.Version, ledger.Active);
    }

    /// <summary>
    /// Runs a decider until it waits: each step's commands are carried out in order, and the answer of the command that
    /// answers is the next input — how all three deciders (order, load, waterfall) are interpreted in virtual time.
    /// </summary>
    static void Interpret<TEvent, TCommand>(TEvent happened, Func<TEvent, IReadOnlyList<TCommand>> decide, Func<TCommand, TEvent?> carryOut, Func<TCommand, bool> answers)
        where TEvent : class
    {
        TEvent? next = happened;
        while (next is not null)
        {
            IReadOnlyList<TCommand> commands = decide(next);
            next = null;
            foreach (TCommand command in commands)
            {
                TEvent? answer = carryOut(command);
                if (answers(command))
                {
                    next = answer;
                }
            }
        }
    }

    void Deliver(OrderRun run, ShipmentEvent happened) => Interpret(happened, e =>
    {
        ShipmentStep step = ShipmentLifecycle.Next(run.State, e, settings.Shipment, now);
        run.State = step.State;
        return step.Commands;
    }, command => Execute(run, command), command => command.Answers);

    ShipmentEvent? Execute(OrderRun run, ShipmentCommand command)
    {
        switch (command)
        {
            case ShipmentCommand.Register:
                run.Shipment = Shipment.Register(run.Key, run.Completed.Data, run.Completed.Id, now, now, now);
                return new ShipmentEvent.HoldsRead(Snapshot(run.Key));
            case ShipmentCommand.ReadHolds:
                return new ShipmentEvent.HoldsRead(Snapshot(run.Key));
            case ShipmentCommand.RecordDecision record:
                run.Record(record.Decision);
                return null;
            case ShipmentCommand.MarkReady ready:
                run.Record(ready.Decision);
                FollowOutput(run);
                return null;
            case ShipmentCommand.SuspendBooking:
                return SuspendBooking(run);
            case ShipmentCommand.ReleaseForecastDoor:
                if (forecastDoors.GetValueOrDefault(run.Key) is { Appointment: not null } forecastDoor)
                {
                    ReleaseTentative(run.Key.PlantId, forecastDoor);
                }

                return null;
            case ShipmentCommand.WithdrawFromLoad withdraw:
                WithdrawFromLoad(run, withdraw.Reason);
                return null;
            case ShipmentCommand.WithdrawTender withdraw:
                if (run.Truck is { } held)
                {
                    Release(held);
                    held.Cancelled = true;
                    run.Truck = null;
                    run.Record(new ShipmentDecision($"withdrawn-{run.State.PlanRevision}", now, ShipmentStatus.OnQualityHold, "Tender withdrawn", withdraw.Reason));
                }

                return null;
            case ShipmentCommand.Escalate escalate:
                escalations++;
                run.Record(new ShipmentDecision(escalate.DecisionKey, now, ShipmentStatus.OnQualityHold, "Hold escalated to planners",
                    $"On hold since {escalate.HeldSince:u}: {QualityHold.Describe(escalate.ActiveHolds)}"));
                return null;
            case ShipmentCommand.ScheduleDock:
                if (run.Truck is { } kept)
                {
                    ReserveDoor(kept);
                }

                return null;
            case ShipmentCommand.Consolidate:
                return Consolidate(run);
            case ShipmentCommand.PlanCarrier plan:
                PlanAlone(run, plan.Revision);
                return null;
            case ShipmentCommand.MarkReadyAndPlanCarrier merged:
                run.Record(merged.Decision);
                FollowOutput(run);
                PlanAlone(run, merged.Revision);
                return null;
            case ShipmentCommand.ShowStatus:
                return null;
            case ShipmentCommand.Wait wait:
                run.Waiting = true;
                int token = ++run.WaitToken;
                if (wait.Until is { } until)
                {
                    At(Wakes(until < now ? now : until), () =>
                    {
                        if (run.Waiting && run.WaitToken == token)
                        {
                            run.Waiting = false;
                            Deliver(run, new ShipmentEvent.DeadlinePassed());
                        }
                    });
                }

                return null;
            case ShipmentCommand.Restart:
                return new ShipmentEvent.Resumed();
            case ShipmentCommand.Complete:
                return null;
            default:
                throw new InvalidOperationException($"The replay cannot carry out {command.GetType().Name}.");
        }
    }

    ShipmentEvent SuspendBooking(OrderRun run)
    {
        if (run.Truck is not { BookedAt: not null } truck)
        {
            return new ShipmentEvent.BookingSuspended(false, null, null);
        }

        // The live rule: the booked carrier's own cancellation terms set the withdrawal deadline.
        Booking booking = truck.Shipment.Booking!;
        BookingSuspension.Decision suspension = BookingSuspension.For(booking, truck.Appointment,
            settings.Contracts.Carriers.FirstOrDefault(c => c.Scac == booking.Scac)?.Cancellation, settings.Shipment.CancellationFeeWindow);
        Release(truck);
        run.Record(new ShipmentDecision($"suspended-{booking.TenderId}", now, ShipmentStatus.Booked, "Booked shipment on hold", suspension.Reason));
        return new ShipmentEvent.BookingSuspended(true, suspension.WithdrawBy, suspension.WithdrawBy > now ? suspension.WithdrawBy - now : TimeSpan.Zero);
    }

    ShipmentEvent Consolidate(OrderRun run)
    {
        run.FirstActionAt ??= now;
        if (run.Truck is { } onLoad)
        {
            return new ShipmentEvent.ConsolidationReviewed(onLoad.Id, null, null);
        }

        Shipment shipment = run.Shipment! with { ReadyAt = now, ConsolidationRound = run.Round };
        LoadLine line = LoadLine.For(shipment);
        Equipment equipment = line.Temperature is null ? Equipment.DryVan : Equipment.Reefer;
        string openId = Load.OpenLoadId(run.Key.PlantId, line.DestinationGroup, equipment);
        Load pool = openLoads.GetValueOrDefault(openId) ?? Load.OpenFor(openId, shipment, line, equipment, now);
        Load reviewed = pool.Join(line, now, trailer => LoadEconomics.Estimate(shopper, (Address(run.Key.PlantId).PostalCode, Address(run.Key.PlantId).Country), Calendar(run.Key.PlantId),
            pool.DestinationPostalCode, pool.DestinationCountry, trailer, now, settings.Consolidation), settings.Consolidation);
        foreach (Load closed in reviewed.PendingHandOffs.ToList())
        {
            StartLoad(closed);
            reviewed = reviewed.HandedOff(closed.Id);
        }

        openLoads[openId] = reviewed;
        return reviewed.Orders.Any(o => o.OrderId == run.Key.OrderId)
            ? new ShipmentEvent.ConsolidationReviewed(null, reviewed.NextReviewAt, reviewed.NextReviewAt - now)
            : new ShipmentEvent.ConsolidationReviewed(run.Truck?.Id ?? throw new InvalidOperationException($"{run.Key} left its open load without a truck."), null, null);
    }

    void StartLoad(Load closed)
    {
        List<OrderRun> members = closed.Orders.Select(o => orders[new OrderKey(closed.PlantId, o.OrderId)]).ToList();
        Shipment loadShipment = Shipment.ForLoad(closed.PlantId, closed.Id, ShipmentStatus.Consolidated, "built", "Load built", closed.Decisions[^1].Reason, now, now)
            .WithMembers(members.Select(m => m.Shipment!).ToList(), 0, closed.Stops.Count, isNew: true, now, now);
        var truck = new TruckRun(closed.Id, closed.PlantId, members, closed.Fill, loadShipment, closed.Decisions[^1].Reason) { Closed = closed };
        foreach (OrderRun member in members)
        {
            member.Truck = truck;
            member.FirstActionAt ??= now;
        }

        trucks.Add(truck);
        DriveLoad(truck, new LoadEvent.Started());
    }

    /// <summary>
    /// Interprets <see cref="LoadLifecycle"/> in virtual time, as <c>LoadOrchestration</c> does in real time: the decider
    /// chooses (prepare, withdraw the plan on a material change, plan the carrier, cancel an emptied load), this carries out
    /// its commands on the load's truck; a carrier plan's outcome comes back when its waterfall finishes.
    /// </summary>
    void DriveLoad(TruckRun truck, LoadEvent happened) => Interpret(happened, e =>
    {
        LoadStep step = LoadLifecycle.Next(truck.LoadState, e);
        truck.LoadState = step.State;
        return step.Commands;
    }, command => CarryOut(truck, command), command => command.Answers);

    LoadEvent? CarryOut(TruckRun truck, LoadCommand command)
    {
        Load closed = truck.Closed ?? throw new InvalidOperationException($"Truck {truck.Id} is not a load.");
        switch (command)
        {
            case LoadCommand.Prepare:
                // The load's shipment follows its orders (built with them when the load closed).
                if (truck.Members.Count > 0 && !truck.Shipment.MemberOrderIds.SequenceEqual(truck.Members.Select(m => m.Key.OrderId)))
                {
                    truck.Shipment = truck.Shipment.WithMembers(truck.Members.Select(m => m.Shipment!).ToList(), closed.Revision, closed.Stops.Count, isNew: false, now, now);
                    truck.Fill = closed.Fill;
                }

                return new LoadEvent.Prepared(closed.Revision, truck.Members.Count);
            case LoadCommand.WithdrawPlan withdraw:
                truck.StopWaterfall();
                Release(truck);
                truck.Shipment = truck.Shipment.WithdrawLoadPlan(withdraw.Cancel, withdraw.Reason, truck.Shipment.BookingWithdrawal, now, now);
                (truck.BookedAt, truck.Quote, truck.DoorAtBooking, truck.Outcome) = (null, null, null, null);
                truck.Cancelled = withdraw.Cancel;
                return null;
            case LoadCommand.PlanCarrier plan:
                truck.Cancelled = false;
                PlanTruck(truck, plan.Revision, outcome =>
                {
                    truck.Outcome = outcome;
                    DriveLoad(truck, new LoadEvent.CarrierPlanned(outcome));
                });
                return null;
            case LoadCommand.Restart:
                return new LoadEvent.Started();
            case LoadCommand.ApplyOutcome or LoadCommand.ShowStatus or LoadCommand.WaitForChange or LoadCommand.Complete:
                return null; // the members read the truck's outcome; a change or the end comes through the agenda
            default:
                throw new InvalidOperationException($"The replay cannot carry out {command.GetType().Name}.");
        }
    }

    void PlanAlone(OrderRun run, int revision)
    {
        run.FirstActionAt ??= now;
        // Ready (as the ready step leaves the live shipment document), so the aggregate takes its tenders and booking.
        Shipment shipment = run.Shipment! with { Status = ShipmentStatus.ReadyToShip, ReadyAt = run.Shipment!.ReadyAt ?? now };
        var alone = new BuiltLoad(DestinationGroups.For(shipment.Destination!), shipment.Temperature is null ? Equipment.DryVan : Equipment.Reefer,
            [LoadLine.For(shipment).ToLoadable()], shipment.TotalWeightLb, shipment.TotalCubeFt3, FloorPositions.For(shipment.HandlingUnits ?? []),
            shipment.Temperature, shipment.RequiredDeliveryBy!.Value);
        var truck = new TruckRun(revision == 0 ? run.Key.OrderId : $"{run.Key.OrderId}.R{revision}", run.Key.PlantId, [run],
            decimal.Round(alone.Fill(Capacity.For(alone.Equipment)), 4), shipment, "rate shopped alone (consolidation off)");
        run.Truck = truck;
        trucks.Add(truck);
        PlanTruck(truck, revision, outcome =>
        {
            truck.Outcome = outcome;
            if (run.Truck == truck)
            {
                run.Truck = outcome == CarrierPlanOutcome.Interrupted ? null : truck;
                Deliver(run, new ShipmentEvent.CarrierPlanned(outcome));
            }
        });
    }

    void PlanTruck(TruckRun truck, int revision, Action<CarrierPlanOutcome> finished)
    {
        truck.Waterfall = new WaterfallRun(TenderWaterfallState.For(new OrderKey(truck.PlantId, truck.ShipmentId), revision), finished);
        Drive(truck, new TenderWaterfallEvent.Began());
    }

    /// <summary>
    /// Interprets <see cref="TenderWaterfall"/> in virtual time, as <c>CarrierPlanning</c> does in real time: the decider
    /// chooses, this carries out its commands on the truck's shipment and the simulated carriers, and an awaited answer
    /// comes back through the agenda.
    /// </summary>
    void Drive(TruckRun truck, TenderWaterfallEvent happened)
    {
        WaterfallRun waterfall = truck.Waterfall!;
        Interpret(happened, e =>
        {
            TenderWaterfallStep step = TenderWaterfall.Next(waterfall.State, e, settings.Shipment, now);
            waterfall.State = step.State;
            return step.Commands;
        }, command => CarryOut(truck, waterfall, command), command => command.Answers);
    }

    TenderWaterfallEvent? CarryOut(TruckRun truck, WaterfallRun waterfall, TenderWaterfallCommand command)
    {
        switch (command)
        {
            case TenderWaterfallCommand.RateShop rate:
            {
                PlantAddress origin = Address(truck.PlantId);
                RateShopResult result = shopper.Shop(RatingRequest.ForShipment(truck.Shipment, origin.PostalCode, origin.Country, now), Calendar(truck.PlantId), observed);
                truck.RateShop = result;
                truck.Shipment = truck.Shipment.RecordRateShop(rate.Revision, result, shopper.Version, result.Describe(truck.Shipment.RequiredDeliveryBy!.Value), now, now);
                List<TenderCandidate> candidates = result.TenderPlan.Select(q => new TenderCandidate(q.Scac, q.Mode, q.Equipment, q.Total)).ToList();
                TenderSendResult? first = rate.First is { } tender && candidates.Count > 0
                    ? SendToCarrier(truck, waterfall, tender.TenderId, 1, candidates[0], tender.RespondBy)
                    : null;
                return new TenderWaterfallEvent.Rated(false, candidates, result.Describe(truck.Shipment.RequiredDeliveryBy!.Value), first);
            }

            case TenderWaterfallCommand.SendTender send:
                return new TenderWaterfallEvent.Sent(send.TenderId, SendToCarrier(truck, waterfall, send.TenderId, send.Attempt, send.Candidate, send.RespondBy));
            case TenderWaterfallCommand.AwaitAnswer wait:
                AwaitAnswer(truck, waterfall, wait);
                return null;
            case TenderWaterfallCommand.RecordOutcome outcome:
                truck.Tenders.Add(new TenderAnswer(outcome.Scac, outcome.Outcome == TenderOutcomes.TimedOut ? TenderAnswer.TimedOut : TenderAnswer.Declined, now));
                truck.Shipment = truck.Shipment.RecordTenderOutcome(outcome.TenderId, outcome.Scac, outcome.Outcome, outcome.Reason, now, now);
                return null;
            case TenderWaterfallCommand.WithdrawOpenTender withdraw:
                truck.Shipment = truck.Shipment.WithdrawOpenTender(withdraw.TenderId, withdraw.Reason, TenderWaterfall.WithdrawnWhileWaiting(withdraw.Reason, withdraw.TenderId, withdraw.Scac), now, now);
                Release(truck);
                truck.Cancelled = true;
                return null;
            case TenderWaterfallCommand.Book book:
                truck.Tenders.Add(new TenderAnswer(book.Candidate.Scac, TenderAnswer.Accepted, now));
                Book(truck, book);
                return null;
            case TenderWaterfallCommand.Exhaust exhaust:
                truck.Shipment = truck.Shipment.Exhaust(waterfall.State.Revision, exhaust.Reason, now, now);
                foreach (OrderRun member in truck.Members)
                {
                    member.Record(new ShipmentDecision($"exhausted-{truck.Id}", now, ShipmentStatus.TenderExhausted, "Tender waterfall exhausted", exhaust.Reason));
                }

                return null;
            case TenderWaterfallCommand.Finish finish:
                truck.Waterfall = null;
                truck.WaterfallToken++;
                waterfall.Finished(finish.Outcome);
                return null;
            default:
                throw new InvalidOperationException($"The replay cannot carry out {command.GetType().Name}.");
        }
    }

    /// <summary>
    /// The simulated carrier receives a tender: whether and when it answers is drawn now, keyed by shipment and carrier (not
    /// by the tender's place in the waterfall), so a carrier answers an order's tender the same way under both policies.
    /// </summary>
    TenderSendResult SendToCarrier(TruckRun truck, WaterfallRun waterfall, string tenderId, int attempt, TenderCandidate candidate, DateTimeOffset respondBy)
    {
        CarrierQuote quote = truck.RateShop!.Find(candidate.Scac, candidate.Mode)
            ?? throw new InvalidOperationException($"Tender {tenderId}: no quote of {candidate.Scac} {candidate.Mode} for {truck.Id}.");
        truck.Shipment = truck.Shipment.RecordTender(new TenderRecord(tenderId, quote.Scac, quote.Mode, quote.Equipment, quote.Total, now, respondBy), attempt, quote.CarrierName, now);
        double acceptance = settings.Carriers.AcceptanceRate
            ?? (double)(settings.Contracts.Carriers.FirstOrDefault(c => c.Scac == quote.Scac)?.Performance.TenderAcceptanceRate ?? 0.85m);
        string draw = $"{truck.Id}|{waterfall.State.Revision}|{quote.Scac}";
        bool accepts = settings.Carriers.Accepts is { } answer
            ? answer(tenderId, quote.Scac)
            : SeededDraw.Draw(settings.Seed, draw + "|accept") < acceptance;
        TimeSpan answerIn = SeededDraw.Between(settings.Carriers.AnswerDelayMin, settings.Carriers.AnswerDelayMax, SeededDraw.Draw(settings.Seed, draw + "|answer"));
        truck.TendersSent++;
        truck.Pending = new CarrierReply(tenderId, quote, draw, accepts, now + answerIn);
        return TenderSendResult.Delivered;
    }

    /// <summary>The open tender's answer (or its deadline) comes back through the agenda, unless the waterfall moved on first.</summary>
    void AwaitAnswer(TruckRun truck, WaterfallRun waterfall, TenderWaterfallCommand.AwaitAnswer wait)
    {
        CarrierReply reply = truck.Pending is { } pending && pending.TenderId == wait.TenderId
            ? pending
            : throw new InvalidOperationException($"Tender {wait.TenderId} is awaited but was never sent.");
        int token = ++truck.WaterfallToken;
        bool answers = reply.AnswersAt < wait.RespondBy;
        At(answers ? reply.AnswersAt : wait.RespondBy, () =>
        {
            if (truck.WaterfallToken != token || truck.Waterfall != waterfall)
            {
                return;
            }

            Observe(reply.Quote.Scac, answers && reply.Accepts);
            Drive(truck, answers
                ? new TenderWaterfallEvent.Answered(wait.TenderId, reply.Accepts
                    ? new CarrierAnswer(true, null, Confirm(truck, reply))
                    : new CarrierAnswer(false, "No capacity on this lane"))
                : new TenderWaterfallEvent.AnswerDue(wait.TenderId));
        });
    }

    /// <summary>
    /// A carrier's answer moves its observed tender acceptance, and a reported pick-up or delivery its on-time figures
    /// (as the live bridge's performance store records them), which rank the next rate shops.
    /// </summary>
    void Observe(string scac, bool? accepted = null, bool? pickedUpOnTime = null, bool? deliveredOnTime = null)
    {
        CarrierPerformance? known = observed.GetValueOrDefault(scac) ?? settings.Contracts.Carriers.FirstOrDefault(c => c.Scac == scac)?.Performance;
        if (known is not null)
        {
            observed[scac] = known.Observe(deliveredOnTime, accepted, pickedUpOnTime);
        }
    }

    /// <summary>
    /// The simulated carrier's pickup confirmation with its acceptance: its truck comes after a drawn lead, not before the
    /// quote's pickup day (freight tendered after the cut-off goes the next working day), in dock hours, and may load within
    /// 48 hours from then.
    /// </summary>
    PickupConfirmation Confirm(TruckRun truck, CarrierReply reply)
    {
        TimeSpan lead = SeededDraw.Between(settings.Carriers.ArrivalAfterBookingMin, settings.Carriers.ArrivalAfterBookingMax, SeededDraw.Draw(settings.Seed, reply.Draw + "|arrival"));
        var pickupDay = new DateTimeOffset(reply.Quote.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        DateTimeOffset arrives = IntoDockHours(truck.PlantId, now + lead > pickupDay ? now + lead : pickupDay);
        return new PickupConfirmation(arrives, arrives.AddHours(48), null);
    }

    /// <summary>The booking, through the shipment aggregate as the live bridge books; then the truck's door.</summary>
    void Book(TruckRun truck, TenderWaterfallCommand.Book book)
    {
        CarrierReply reply = truck.Pending!;
        RateShopResult rated = truck.RateShop!;
        CarrierQuote quote = reply.Quote;
        int before = truck.Shipment.Decisions.Count;
        truck.Shipment = truck.Shipment.Book(book.TenderId, book.PickupConfirmation, now, now);
        List<ShipmentDecision> booked = truck.Shipment.Decisions.Skip(before).ToList();
        truck.Quote = quote;
        truck.BookedAt = now;
        truck.Expedited = rated.IsExpedited;
        truck.Premium = rated.IsExpedited ? rated.LateDeliveryOf(quote)?.PremiumCost ?? rated.PremiumOf(quote) : 0;
        truck.ArrivesAt = book.PickupConfirmation?.PickupFrom ?? now;
        ReserveDoor(truck);
        truck.DoorAtBooking = truck.Appointment;
        FollowCarrierStatuses(truck, book.TenderId);
        string on = truck.Members.Count > 1 ? $"load {truck.Id} ({truck.Members.Count} orders, {truck.Fill:P0} full: {truck.Why})" : "its own truck";
        foreach (OrderRun member in truck.Members)
        {
            foreach (ShipmentDecision decision in booked)
            {
                member.Record(decision with { Reason = decision == booked[0]
                    ? $"{decision.Reason}; on {on}; truck on site {truck.ArrivesAt:u}; {truck.DoorReason}"
                    : decision.Reason });
            }
        }
    }

    /// <summary>Carriers come when the dock is open: an arrival outside its hours moves to the next opening.</summary>
    DateTimeOffset IntoDockHours(string plantId, DateTimeOffset at)
    {
        PlantDockModel model = Dock(plantId);
        DateOnly day = DateOnly.FromDateTime(at.UtcDateTime);
        for (int i = 0; i < 30; i++, day = day.AddDays(1))
        {
            if (!model.IsOpen(day) || at >= model.ClosesOn(day))
            {
                continue;
            }

            return at < model.OpensOn(day) ? model.OpensOn(day) : at;
        }

        return at;
    }

    /// <summary>
    /// The booked truck's door, by the same placement rules as the live dock activities (<see cref="DoorPlacement"/>): the
    /// doors planned from the orders' forecasts and the truck's own are replaced, the earliest kept where it still fits;
    /// not before <paramref name="notBefore"/> when a late truck arrived then.
    /// </summary>
    void ReserveDoor(TruckRun truck, DateTimeOffset? notBefore = null)
    {
        DockAppointment? previous = truck.Appointment;
        Release(truck);
        PlantDockModel model = Dock(truck.PlantId);
        Shipment s = truck.Shipment;
        Booking booking = s.Booking ?? throw new InvalidOperationException($"Truck {truck.Id} is not booked; a door is reserved after booking.");
        DateTimeOffset ready = truck.Members.Max(m => ReadySince(m.Key, now) ?? now);
        DockRequest request = DoorPlacement.ForBooking(truck.Id, booking, DoorPlacement.Pallets(s.HandlingUnits), s.Temperature is not null, s.Hazmat is not null, ready, notBefore, now);
        foreach (OrderRun member in truck.Members)
        {
            if (forecastDoors.GetValueOrDefault(member.Key) is { Appointment: { } tentative } door)
            {
                previous = previous is null || tentative.Start < previous.Start ? tentative : previous;
                ReleaseTentative(truck.PlantId, door);
            }
        }

        string reason = "no door searched";
        foreach (DateOnly day in DockScheduler.CandidateDays(model, request, settings.DockDaysAhead))
        {
            List<DockAppointment> booked = Appointments(truck.PlantId, day);
            (DockAppointment? appointment, string why) = DoorPlacement.OnDay(model, day, booked, request, DockAppointment.Booked, previous);
            reason = why;
            if (appointment is not null)
            {
                booked.Add(appointment);
                truck.Appointment = appointment;
                break;
            }
        }

        truck.DoorReason = truck.Appointment is null ? $"no door: {reason}" : reason;
    }

    /// <summary>
    /// The outside world after booking, when the carriers report (<see cref="CarrierBehaviour.Reports"/>): each status is
    /// applied at its moment by the live bridge's rules; a judged pick-up or delivery moves the carrier's observed
    /// performance, a late truck's door follows it, and the door records the truck's real arrival and departure.
    /// </summary>
    void FollowCarrierStatuses(TruckRun truck, string tenderId)
    {
        if (settings.Carriers.Reports is not { } reports || truck.Appointment is not { } door)
        {
            return;
        }

        foreach (CarrierStatusReport report in reports(tenderId, truck.Quote!.Scac, truck.Shipment with { DockAppointment = door }))
        {
            At(report.At > now ? report.At : now, () =>
            {
                if (truck.Cancelled || truck.Shipment.Booking?.TenderId != tenderId)
                {
                    return; // withdrawn or re-tendered since: the truck no longer comes for this tender
                }

                ApplyCarrierStatus(truck, tenderId, report);
            });
        }
    }

    void ApplyCarrierStatus(TruckRun truck, string tenderId, CarrierStatusReport report)
    {
        (Shipment next, CarrierStatusEffect effect) = CarrierProgressRules.Apply(truck.Shipment with { DockAppointment = truck.Appointment }, tenderId, report, settings.Shipment, now);
        if (!effect.Recorded || next.Progress is not { } progress)
        {
            return;
        }

        truck.Shipment = next;
        if (truck.Appointment is { } door && CarrierProgressRules.DoorFollowsTruckFrom(progress, door) is { } arrived)
        {
            ReserveDoor(truck, notBefore: arrived);
        }

        if (truck.Appointment is { } placed)
        {
            DockAppointment actual = CarrierProgressRules.OnDoor(progress, placed);
            List<DockAppointment> day = Appointments(truck.PlantId, placed.Day);
            day[day.FindIndex(a => a.AppointmentId == placed.AppointmentId)] = actual;
            truck.Appointment = actual;
        }

        if (effect.PickupJudged)
        {
            Observe(progress.Scac, pickedUpOnTime: progress.PickedUpOnTime);
        }

        if (effect.DeliveryJudged)
        {
            Observe(progress.Scac, deliveredOnTime: progress.DeliveredOnTime);
        }
    }

    /// <summary>A forecast plans a tentative door before the freight exists; a later forecast moves it (the live dock pre-planning's rules).</summary>
    void PlanFromForecast(ProductionScheduledEvent scheduled)
    {
        OrderKey key = scheduled.Order;
        ProductionScheduled data = scheduled.Data;
        ForecastDoor? door = forecastDoors.GetValueOrDefault(key);
        ForecastDoorStep step = DoorPlacement.OnForecast(orders.TryGetValue(key, out OrderRun? run) && run.State.ReadyRecorded, door?.Expected,
            door?.Appointment is not null, data.ExpectedCompletionAt, known.GetValueOrDefault(key, QualityHoldLedger.Empty).IsOnHold);
        if (step.Action == ForecastDoorAction.None)
        {
            return;
        }

        door ??= forecastDoors[key] = new ForecastDoor();
        door.Expected = data.ExpectedCompletionAt;
        door.Pallets = DoorPlacement.Pallets(data.HandlingUnits);
        door.Reefer = data.Temperature is not null;
        door.Hazmat = data.Hazmat is not null;
        if (step.Action == ForecastDoorAction.Release)
        {
            ReleaseTentative(key.PlantId, door);
            return;
        }

        PlaceTentative(key, door, ForecastRequest(key, door, step.ReadyAt!.Value));
    }

    /// <summary>A held order gives its forecast door back; once released it gets one again from its forecast (or now, when that passed).</summary>
    void FollowHoldsBeforeReady(OrderKey key, QualityHoldLedger ledger)
    {
        ForecastDoor? door = forecastDoors.GetValueOrDefault(key);
        ForecastDoorStep step = DoorPlacement.OnHoldsChanged(false, door is not null, door?.Appointment is not null, ledger.IsOnHold, door?.Expected ?? default, now);
        if (step.Action == ForecastDoorAction.Release)
        {
            ReleaseTentative(key.PlantId, door!);
        }
        else if (step.Action == ForecastDoorAction.Place)
        {
            PlaceTentative(key, door!, ForecastRequest(key, door!, step.ReadyAt!.Value));
        }
    }

    DockRequest ForecastRequest(OrderKey key, ForecastDoor door, DateTimeOffset ready) =>
        DoorPlacement.ForForecast(key.OrderId, door.Pallets, door.Reefer, door.Hazmat, ready, Calendar(key.PlantId).EarliestPickup(ready), settings.DockDaysAhead);

    /// <summary>The order is ready: a door planned from its forecast follows the actual output.</summary>
    void FollowOutput(OrderRun run)
    {
        if (forecastDoors.GetValueOrDefault(run.Key) is not { Appointment.Status: DockAppointment.Tentative } door)
        {
            return;
        }

        Shipment s = run.Shipment!;
        DateTimeOffset ready = ReadySince(run.Key, now) ?? now;
        PlaceTentative(run.Key, door, DoorPlacement.ForActualOutput(run.Key.OrderId, DoorPlacement.Pallets(s.HandlingUnits), s.Temperature is not null, s.Hazmat is not null,
            ready, now, Calendar(run.Key.PlantId).EarliestPickup));
    }

    void PlaceTentative(OrderKey key, ForecastDoor door, DockRequest request)
    {
        DockAppointment? previous = door.Appointment;
        ReleaseTentative(key.PlantId, door);
        PlantDockModel model = Dock(key.PlantId);
        foreach (DateOnly day in DockScheduler.CandidateDays(model, request, settings.DockDaysAhead))
        {
            List<DockAppointment> booked = Appointments(key.PlantId, day);
            (DockAppointment? appointment, _) = DoorPlacement.OnDay(model, day, booked, request, DockAppointment.Tentative, previous);
            if (appointment is not null)
            {
                booked.Add(appointment);
                door.Appointment = appointment;
                return;
            }
        }
    }

    void ReleaseTentative(string plantId, ForecastDoor door)
    {
        if (door.Appointment is { } appointment)
        {
            Appointments(plantId, appointment.Day).RemoveAll(a => a.AppointmentId == appointment.AppointmentId && a.Status == DockAppointment.Tentative);
            door.Appointment = null;
        }
    }

    void Release(TruckRun truck)
    {
        if (truck.Appointment is { } appointment)
        {
            Appointments(truck.PlantId, appointment.Day).RemoveAll(a => a.AppointmentId == appointment.AppointmentId);
            truck.Appointment = null;
        }
    }

    void WithdrawFromLoad(OrderRun run, string reason)
    {
        foreach ((string id, Load pool) in openLoads.Where(p => p.Value.Orders.Any(o => o.OrderId == run.Key.OrderId) && p.Value.PlantId == run.Key.PlantId).ToList())
        {
            openLoads[id] = pool.Remove(run.Key.OrderId, run.Round, reason, now);
        }

        if (run.Truck is { Closed: { } closed } truck && (truck.Appointment is null || truck.Appointment.End > now))
        {
            // Off the load before its truck leaves, and its workflow told: the load lifecycle keeps the plan on a small change,
            // re-plans on a material one and cancels an emptied load; a material change while tendering stops the waterfall.
            truck.Members.Remove(run);
            run.Truck = null;
            truck.Closed = closed.Remove(run.Key.OrderId, run.Round, reason, now);
            if (truck.LoadState.Phase == LoadPhase.Planned)
            {
                DriveLoad(truck, new LoadEvent.MembershipChanged());
            }
            else if (truck.LoadState.PlanningRevision is { } planning && truck.Waterfall?.State.Phase == TenderWaterfallPhase.AwaitingAnswer
                && LoadLifecycle.StopsTendering(planning, truck.Closed.Revision, truck.Members.Count) is { } stop)
            {
                Drive(truck, new TenderWaterfallEvent.Stopped(stop));
            }
        }

        run.Round++;
    }

    List<DockAppointment> Appointments(string plantId, DateOnly day)
    {
        if (!schedule.TryGetValue((plantId, day), out List<DockAppointment>? list))
        {
            schedule[(plantId, day)] = list = [];
        }

        return list;
    }

    PlantDockModel Dock(string plantId) => docks.TryGetValue(plantId, out PlantDockModel? model)
        ? model
        : throw new InvalidOperationException($"Plant {plantId} has no dock model.");

    PlantAddress Address(string plantId) => settings.Plants.TryGetValue(plantId, out PlantAddress? address)
        ? address
        : throw new InvalidOperationException($"Plant {plantId} has no shipping address.");

    ShippingCalendar Calendar(string plantId) => Dock(plantId).PickupCalendar(ShippingCalendar.Default);

    /// <summary>
    /// When each order's freight is physically ready or not, by business time: from its completion, a transition each time
    /// its holds (placed and released at their own times) make it held or clear again.
    /// </summary>
    static Dictionary<OrderKey, List<(DateTimeOffset At, bool Clear)>> PhysicalReadiness(IReadOnlyList<ScenarioEvent> events)
    {
        var completedAt = new Dictionary<OrderKey, DateTimeOffset>();
        var holds = new Dictionary<OrderKey, List<(DateTimeOffset At, MesEvent Event)>>();
        foreach (ScenarioEvent e in events)
        {
            switch (e.Event)
            {
                case ProductionCompletedEvent c:
                    completedAt.TryAdd(e.Event.Order, c.Data.CompletedAt);
                    break;
                case QualityHoldPlacedEvent p:
                    Add(holds, e.Event.Order, (p.Data.PlacedAt, p));
                    break;
                case QualityHoldReleasedEvent r:
                    Add(holds, e.Event.Order, (r.Data.ReleasedAt, r));
                    break;
            }
        }

        var readiness = new Dictionary<OrderKey, List<(DateTimeOffset, bool)>>();
        foreach ((OrderKey key, DateTimeOffset completed) in completedAt)
        {
            QualityHoldLedger ledger = QualityHoldLedger.Empty;
            List<(DateTimeOffset At, MesEvent Event)> changes = [.. holds.GetValueOrDefault(key, []).OrderBy(h => h.At)];
            int i = 0;
            for (; i < changes.Count && changes[i].At <= completed; i++)
            {
                ledger = Apply(ledger, changes[i].Event);
            }

            var transitions = new List<(DateTimeOffset, bool)> { (completed, !ledger.IsOnHold) };
            for (; i < changes.Count; i++)
            {
                bool wasClear = !ledger.IsOnHold;
                ledger = Apply(ledger, changes[i].Event);
                if (wasClear == ledger.IsOnHold)
                {
                    transitions.Add((changes[i].At, !ledger.IsOnHold));
                }
            }

            readiness[key] = transitions;
        }

        return readiness;

        static QualityHoldLedger Apply(QualityHoldLedger ledger, MesEvent change) => change switch
        {
            QualityHoldPlacedEvent p => ledger.Place(p.Data.HoldId, p.Data.Reason, p.Data.PlacedAt).Ledger,
            QualityHoldReleasedEvent r => ledger.Release(r.Data.HoldId, r.Data.ReleasedAt, r.Data.ReleasedBy, r.Data.Note).Ledger,
            _ => ledger,
        };

        static void Add(Dictionary<OrderKey, List<(DateTimeOffset, MesEvent)>> map, OrderKey key, (DateTimeOffset, MesEvent) item)
        {
            if (!map.TryGetValue(key, out List<(DateTimeOffset, MesEvent)>? list))
            {
                map[key] = list = [];
            }

            list.Add(item);
        }
    }

    /// <summary>Since when the order's freight has been ready at <paramref name="at"/> (null: not ready then).</summary>
    DateTimeOffset? ReadySince(OrderKey key, DateTimeOffset at)
    {
        DateTimeOffset? since = null;
        foreach ((DateTimeOffset when, bool clear) in physicallyReady.GetValueOrDefault(key, []))
        {
            if (when > at)
            {
                break;
            }

            since = clear ? when : null;
        }

        return since;
    }

    ReplayRun Result(int events)
    {
        var truckOutcomes = new List<TruckOutcome>();
        var detentionByTruck = new Dictionary<TruckRun, (decimal Hours, decimal Cost)>();
        foreach (TruckRun truck in trucks.Where(t => t is { Cancelled: false, BookedAt: not null, Quote: not null }))
        {
            decimal hours = 0;
            if (truck.Appointment is { } appointment && truck.ArrivesAt is { } arrives)
            {
                hours = (decimal)Math.Max(0, (appointment.End - arrives - settings.DetentionFreeTime).TotalHours);
                hours = decimal.Round(hours, 2);
            }

            decimal cost = decimal.Round(hours * settings.DetentionRatePerHour, 2);
            detentionByTruck[truck] = (hours, cost);
            truckOutcomes.Add(new TruckOutcome(truck.Id, truck.PlantId, truck.Members.Select(m => m.Key.OrderId).ToList(), truck.Quote!.Scac, truck.Quote.Total,
                truck.Fill, truck.Expedited, truck.Premium, truck.BookedAt!.Value, truck.ArrivesAt!.Value, truck.Appointment, truck.DoorReason, hours, cost, truck.Tenders));
        }

        var outcomes = new List<OrderOutcome>();
        foreach (OrderRun run in orders.Values.OrderBy(r => r.Completed.Data.CompletedAt).ThenBy(r => r.Key.OrderId, StringComparer.Ordinal))
        {
            TruckRun? truck = run.Truck is { Cancelled: false, BookedAt: not null } t ? t : null;
            int share = truck?.Members.Count ?? 1;
            DockAppointment? appointment = truck?.Appointment;
            DateTimeOffset? delivered = null;
            bool? onTime = null;
            if (truck?.Quote is { } quote && appointment is not null)
            {
                ShippingCalendar calendar = Calendar(run.Key.PlantId);
                delivered = calendar.EstimatedDelivery(DateOnly.FromDateTime(appointment.End.UtcDateTime), quote.TransitDays);
                onTime = delivered <= run.Completed.Data.RequiredDeliveryBy;
            }

            (decimal hours, decimal cost) = truck is not null && detentionByTruck.TryGetValue(truck, out var d) ? d : (0m, 0m);
            ShipmentStatus status = truck is not null ? ShipmentStatus.Booked
                : run.Truck is { Outcome: CarrierPlanOutcome.Exhausted } ? ShipmentStatus.TenderExhausted
                : run.State.Phase switch
                {
                    ShipmentPhase.Held or ShipmentPhase.BookedHeld => ShipmentStatus.OnQualityHold,
                    ShipmentPhase.Exhausted => ShipmentStatus.TenderExhausted,
                    ShipmentPhase.Consolidating => ShipmentStatus.Consolidating,
                    _ => ShipmentStatus.ReadyToShip,
                };
            outcomes.Add(new OrderOutcome(run.Key.PlantId, run.Key.OrderId, run.Completed.Data.CompletedAt, run.KnownAt, run.FirstActionAt, truck?.BookedAt,
                appointment is null ? ReadySince(run.Key, now) : ReadySince(run.Key, appointment.End), appointment?.Start, appointment?.End, delivered, run.Completed.Data.RequiredDeliveryBy, onTime,
                truck?.Id, truck?.Quote?.Scac, appointment?.DoorId, FloorPositions.For(run.Completed.Data.HandlingUnits),
                decimal.Round(hours / share, 2), decimal.Round(cost / share, 2), truck is null ? 0 : decimal.Round(truck.Premium / share, 2),
                truck?.Quote is { } q ? decimal.Round(q.Total / share, 2) : 0, status, run.Decisions) { DoorAtBooking = truck?.DoorAtBooking });
        }

        return new ReplayRun(policy, outcomes, truckOutcomes, events, duplicates, forecasts, escalations, StagingPeak(outcomes));
    }

    /// <summary>Most pallets on the dock floor at once: each order's pallets from freight ready until its truck has loaded.</summary>
    static int StagingPeak(IReadOnlyList<OrderOutcome> outcomes)
    {
        var changes = new List<(DateTimeOffset At, int Pallets)>();
        foreach (OrderOutcome o in outcomes)
        {
            if (o.FreightReadyAt is { } ready && o.DepartsAt is { } leaves && leaves > ready)
            {
                changes.Add((ready, o.Pallets));
                changes.Add((leaves, -o.Pallets));
            }
        }

        int peak = 0, current = 0;
        foreach ((_, int pallets) in changes.OrderBy(c => c.At).ThenBy(c => c.Pallets))
        {
            current += pallets;
            peak = Math.Max(peak, current);
        }

        return peak;
    }

    sealed class OrderRun(OrderKey key, ProductionCompletedEvent completed, DateTimeOffset knownAt)
    {
        public OrderKey Key { get; } = key;

        public ProductionCompletedEvent Completed { get; } = completed;

        public DateTimeOffset KnownAt { get; } = knownAt;

        public ShipmentLifecycleState State { get; set; } = ShipmentLifecycleState.Start;

        public Shipment? Shipment { get; set; }

        public bool Waiting { get; set; }

        public int WaitToken { get; set; }

        public int Round { get; set; }

        public DateTimeOffset? FirstActionAt { get; set; }

        public TruckRun? Truck { get; set; }

        public List<ShipmentDecision> Decisions { get; } = [];

        public void Record(ShipmentDecision decision)
        {
            if (Decisions.All(d => d.Key != decision.Key))
            {
                Decisions.Add(decision);
            }
        }
    }

    /// <summary>An order's door planned from its forecast: what it needs and where it is.</summary>
    sealed class ForecastDoor
    {
        public DateTimeOffset Expected { get; set; }

        public int Pallets { get; set; }

        public bool Reefer { get; set; }

        public bool Hazmat { get; set; }

        public DockAppointment? Appointment { get; set; }
    }

    /// <summary>A waterfall in progress: the decider's state and what to do when it finishes.</summary>
    sealed class WaterfallRun(TenderWaterfallState state, Action<CarrierPlanOutcome> finished)
    {
        public TenderWaterfallState State { get; set; } = state;

        public Action<CarrierPlanOutcome> Finished { get; } = finished;
    }

    /// <summary>How the simulated carrier will answer the tender it holds (drawn when it was sent).</summary>
    sealed record CarrierReply(string TenderId, CarrierQuote Quote, string Draw, bool Accepts, DateTimeOffset AnswersAt);

    sealed class TruckRun(string id, string plantId, List<OrderRun> members, decimal fill, Shipment shipment, string why)
    {
        public string Id { get; } = id;

        /// <summary>The shipment its tenders are for: the order shipped alone, or the load.</summary>
        public string ShipmentId => Shipment.OrderId;

        public string PlantId { get; } = plantId;

        public List<OrderRun> Members { get; } = members;

        public decimal Fill { get; set; } = fill;

        /// <summary>The closed load this truck carries (null: an order shipped alone), with its lifecycle state.</summary>
        public Load? Closed { get; set; }

        public LoadLifecycleState LoadState { get; set; } = new();

        public Shipment Shipment { get; set; } = shipment;

        public string Why { get; } = why;

        public RateShopResult? RateShop { get; set; }

        public WaterfallRun? Waterfall { get; set; }

        public CarrierReply? Pending { get; set; }

        public int WaterfallToken { get; set; }

        public int TendersSent { get; set; }

        public List<TenderAnswer> Tenders { get; } = [];

        public CarrierQuote? Quote { get; set; }

        public DateTimeOffset? BookedAt { get; set; }

        public DateTimeOffset? ArrivesAt { get; set; }

        public bool Expedited { get; set; }

        public decimal Premium { get; set; }

        public DockAppointment? Appointment { get; set; }

        /// <summary>The door the booking reserved (<see cref="Appointment"/> follows a late truck).</summary>
        public DockAppointment? DoorAtBooking { get; set; }

        public string DoorReason { get; set; } = "";

        public bool Cancelled { get; set; }

        public CarrierPlanOutcome? Outcome { get; set; }

        public void StopWaterfall()
        {
            Waterfall = null;
            WaterfallToken++;
        }
    }
}
