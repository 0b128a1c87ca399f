using MesTms.Domain.Events;
using MesTms.Domain.Rating;

namespace MesTms.Domain.Tests;

public sealed class RateShopperTests
{
    public static readonly string SampleContractsPath = Path.Combine(RepositoryRoot(), "functions", "MesTms.Pipeline", "Contracts", "carriers.v1.json");

    static readonly CarrierContractSet Contracts = LoadSample();
    static readonly RateShopper Shopper = new(Contracts);

    // Wednesday 25 Nov 2026, 08:00 UTC: picked up the same day.
    static readonly DateTimeOffset Ready = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    static CarrierContractSet LoadSample()
    {
        using FileStream file = File.OpenRead(SampleContractsPath);
        return CarrierContractValidator.Load(file);
    }

    static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MesTmsFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }

    static RatingRequest Truckload(string destination = "30336", Hazmat? hazmat = null, TemperatureRange? temperature = null,
        DateTimeOffset? requiredBy = null, decimal weight = 20_700, decimal cube = 1_040, int pallets = 18) =>
        new("46218", "US", destination, "US", weight, cube, pallets, hazmat, temperature, Ready, requiredBy ?? Ready.AddDays(5));

    [Fact]
    public void The_sample_contract_set_has_the_promised_breadth()
    {
        Assert.True(Contracts.Carriers.Count >= 8);
        Assert.Contains(Contracts.Carriers, c => c.Lanes.Any(l => l.Mode == ServiceMode.Ltl));
        Assert.Contains(Contracts.Carriers, c => c.Lanes.Any(l => l.Mode == ServiceMode.Ftl));
        Assert.Contains(Contracts.Carriers, c => c.Equipment.Contains(Equipment.Reefer));
        Assert.Contains(Contracts.Carriers, c => c.HazmatCertified);
        Assert.True(Contracts.Geography.Count(g => g.Prefix != "462") >= 30);
    }

    [Fact]
    public void Candidates_are_ranked_by_price_plus_risk_and_every_price_adds_up()
    {
        RateShopResult result = Shopper.Shop(Truckload(), ShippingCalendar.Default);

        Assert.NotEmpty(result.Candidates);
        Assert.Equal(result.Candidates.OrderBy(c => c.Score).Select(c => c.Score), result.Candidates.Select(c => c.Score));
        Assert.All(result.Candidates, q =>
        {
            Assert.Equal(q.Linehaul + q.StopOffs + q.Fuel + q.Accessorials.Sum(a => a.Amount), q.Total);
            Assert.Equal(q.Total + q.LateRiskCost + q.RejectionRiskCost, q.Score);
        });

        // Atlanta: Swiftline's per-mile rate is so much cheaper that it wins even after its risk costs.
        CarrierQuote best = result.Best!;
        Assert.Equal(result.Candidates.MinBy(c => c.Total)!.Scac, best.Scac);
        Assert.Equal("SWFL", best.Scac);
        Assert.Equal(ServiceMode.Ftl, best.Mode);
        Assert.Equal(decimal.Round(2.02m * best.Miles, 2), best.Linehaul);
    }

    [Fact]
    public void The_cheapest_price_does_not_win_when_its_carrier_is_unreliable()
    {
        // To Dallas Swiftline is the cheapest but accepts only 76 % of tenders and is on time 88 % of the time;
        // Heartland's flat contract rate (1,850) is a little dearer and wins on risk-adjusted cost.
        RateShopResult result = Shopper.Shop(Truckload("75241"), ShippingCalendar.Default);
        CarrierQuote swiftline = result.Candidates.Single(c => c.Scac == "SWFL");
        CarrierQuote cheapestTotal = result.Candidates.MinBy(c => c.Total)!;

        Assert.Equal("SWFL", cheapestTotal.Scac);
        Assert.Equal("HRTL", result.Best!.Scac);
        Assert.Equal(1850m, result.Best.Linehaul);
        Assert.True(swiftline.LateRiskCost + swiftline.RejectionRiskCost > result.Best.LateRiskCost + result.Best.RejectionRiskCost);
    }

    [Fact]
    public void Observed_performance_replaces_the_contract_figures_in_the_ranking()
    {
        RatingRequest dallas = Truckload("75241");
        Assert.Equal("HRTL", Shopper.Shop(dallas, ShippingCalendar.Default).Best!.Scac);

        // Heartland has started declining tenders: its rejection risk now outweighs its better price-plus-risk.
        var observed = new Dictionary<string, CarrierPerformance> { ["HRTL"] = new(0.95m, 0.5m, 600) };
        RateShopResult after = Shopper.Shop(dallas, ShippingCalendar.Default, observed);

        Assert.Equal("SWFL", after.Best!.Scac);
        Assert.Equal(75m, after.Candidates.Single(c => c.Scac == "HRTL").RejectionRiskCost);
    }

    [Fact]
    public void Hazmat_is_never_quoted_by_an_uncertified_carrier()
    {
        var hazmat = new Hazmat("UN1263", "3", "II");
        RateShopResult result = Shopper.Shop(Truckload(hazmat: hazmat), ShippingCalendar.Default);
        HashSet<string> certified = Contracts.Carriers.Where(c => c.HazmatCertified).Select(c => c.Scac).ToHashSet();

        Assert.NotEmpty(result.Candidates);
        Assert.All(result.Candidates, q => Assert.Contains(q.Scac, certified));
        Assert.All(result.Candidates, q => Assert.Contains(q.Accessorials, a => a.Name == "hazmat"));
        Assert.Contains(result.Excluded, e => e.Scac == "HRTL" && e.Reason.Contains("not hazmat certified"));
    }

    [Fact]
    public void A_reefer_order_goes_only_to_reefers_that_hold_its_range()
    {
        RateShopResult result = Shopper.Shop(Truckload(temperature: new TemperatureRange(-18, -15)), ShippingCalendar.Default);

        Assert.All(result.Candidates, q => Assert.Equal(Equipment.Reefer, q.Equipment));
        Assert.Contains(result.Candidates, q => q.Scac == "CLDX");
        Assert.Contains(result.Excluded, e => e.Scac == "HRTL" && e.Reason.Contains("no reefer"));
        Assert.Contains(result.Excluded, e => e.Scac == "ODLT" && e.Reason.Contains("reefers hold 2..8"));
        Assert.All(result.Candidates, q => Assert.Contains(q.Accessorials, a => a.Name == "reefer"));
    }

    [Fact]
    public void A_carrier_that_cannot_deliver_by_the_required_date_is_excluded_with_that_reason()
    {
        // Seattle by tomorrow evening: nobody's transit time allows it.
        RateShopResult result = Shopper.Shop(Truckload("98101", requiredBy: Ready.AddDays(1).AddHours(10)), ShippingCalendar.Default);

        Assert.Empty(result.Candidates);
        Assert.Contains(result.Excluded, e => e.Scac == "HRTL" && e.Reason.StartsWith("cannot deliver by 2026-11-26 18:00:00Z"));
    }

    [Fact]
    public void Freight_no_carrier_can_deliver_in_time_is_offered_for_expediting_earliest_delivery_first_with_its_lateness_and_premium()
    {
        RateShopResult result = Shopper.Shop(Truckload("98101", requiredBy: Ready.AddDays(1).AddHours(10)), ShippingCalendar.Default);

        Assert.Empty(result.Candidates);
        Assert.NotNull(result.Expedited);
        Assert.NotEmpty(result.Expedited);
        // Earliest delivery first; each is late by its delivery minus the required date, and none was dropped as infeasible.
        Assert.Equal(result.Expedited.OrderBy(q => q.EstimatedDelivery).Select(q => q.EstimatedDelivery), result.Expedited.Select(q => q.EstimatedDelivery));
        Assert.All(result.Expedited, q => Assert.Equal(q.EstimatedDelivery - new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.Zero), q.LateBy));
        Assert.All(result.Expedited, q => Assert.Contains(result.Excluded, e => e.Scac == q.Scac && e.Mode == q.Mode && e.Reason.StartsWith("cannot deliver by")));
        CarrierQuote cheapest = result.Expedited.MinBy(q => q.Total)!;
        Assert.Equal(0, result.PremiumOf(cheapest));
        Assert.All(result.Expedited, q => Assert.Equal(q.Total - cheapest.Total, result.PremiumOf(q)));
        // Carriers excluded for another reason (no lane, no enclosed trailer) are never offered.
        Assert.DoesNotContain(result.Expedited, q => q.Scac == "PRFB");
        // They are whom to tender, and booking one is a late delivery with its lateness and premium.
        Assert.True(result.IsExpedited);
        Assert.Equal(result.Expedited, result.TenderPlan);
        CarrierQuote first = result.TenderPlan[0];
        LateDelivery late = result.LateDeliveryOf(first)!;
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.Zero), late.RequiredDeliveryBy);
        Assert.Equal(first.EstimatedDelivery, late.ExpectedDelivery);
        Assert.Equal(result.PremiumOf(first), late.PremiumCost);
        Assert.Contains("late", late.Reason);
    }

    [Fact]
    public void Freight_that_can_go_on_time_is_never_expedited()
    {
        RateShopResult result = Shopper.Shop(Truckload(requiredBy: Ready.AddDays(7)), ShippingCalendar.Default);

        Assert.NotEmpty(result.Candidates);
        Assert.Null(result.Expedited);
        Assert.All(result.Candidates, q => Assert.Null(q.LateBy));
        Assert.False(result.IsExpedited);
        Assert.Equal(result.Candidates, result.TenderPlan);
        Assert.Null(result.LateDeliveryOf(result.Candidates[0]));
    }

    [Fact]
    public void Small_freight_is_quoted_LTL_by_class_and_weight_break()
    {
        RateShopResult result = Shopper.Shop(Truckload(weight: 800, cube: 80, pallets: 2, requiredBy: Ready.AddDays(7)), ShippingCalendar.Default);
        CarrierQuote ltl = result.Best!;

        Assert.Equal(ServiceMode.Ltl, ltl.Mode); // far cheaper than a whole truck
        Assert.Equal("100", ltl.FreightClass); // 800 lb / 80 ft³ = 10 lb/ft³
        Assert.True(ltl.Total < result.Candidates.Where(q => q.Mode == ServiceMode.Ftl).Min(q => q.Total));

        // The same freight needed within 5 days cannot go LTL (3 transit days from Wednesday): excluded with the reason.
        RateShopResult urgent = Shopper.Shop(Truckload(weight: 800, cube: 80, pallets: 2, requiredBy: Ready.AddDays(5)), ShippingCalendar.Default);
        Assert.All(urgent.Candidates, q => Assert.Equal(ServiceMode.Ftl, q.Mode));
        Assert.Contains(urgent.Excluded, e => e.Scac == "RDWL" && e.Reason.StartsWith("cannot deliver by"));
    }

    [Fact]
    public void A_multi_stop_load_goes_by_truckload_with_stop_offs_never_LTL()
    {
        RatingRequest oneStop = Truckload(weight: 800, cube: 80, pallets: 2, requiredBy: Ready.AddDays(7));
        RateShopResult result = Shopper.Shop(oneStop with { Stops = 3 }, ShippingCalendar.Default);

        Assert.All(result.Candidates, q => Assert.Equal(ServiceMode.Ftl, q.Mode));
        Assert.Contains(result.Excluded, e => e.Mode == ServiceMode.Ltl && e.Reason.Contains("3 stops"));
        CarrierQuote single = Shopper.Shop(oneStop, ShippingCalendar.Default).Candidates.First(q => q.Mode == ServiceMode.Ftl && q.Scac == result.Best!.Scac);
        Assert.True(result.Best!.StopOffs > 0 && single.StopOffs == 0);
    }

    [Fact]
    public void Trucks_that_cannot_take_palletised_freight_and_carriers_without_a_lane_are_excluded()
    {
        RateShopResult result = Shopper.Shop(Truckload("90012"), ShippingCalendar.Default);

        Assert.Contains(result.Excluded, e => e.Scac == "PRFB" && e.Reason.Contains("no enclosed trailer"));
        Assert.Contains(result.Excluded, e => e.Scac == "MDWR" && e.Mode is null && e.Reason.Contains("no contract lane"));
        Assert.Contains(result.Excluded, e => e.Scac == "RDWL" && e.Reason.Contains("exceed the Ltl"));
    }

    [Fact]
    public void Quotes_are_reproducible()
    {
        RatingRequest request = Truckload("10001");
        string first = System.Text.Json.JsonSerializer.Serialize(Shopper.Shop(request, ShippingCalendar.Default));
        string second = System.Text.Json.JsonSerializer.Serialize(new RateShopper(LoadSample()).Shop(request, ShippingCalendar.Default));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Freight_ready_after_the_cut_off_on_Friday_is_picked_up_on_Monday()
    {
        var calendar = new ShippingCalendar(16, 17, new HashSet<DateOnly> { new(2026, 11, 30) });
        DateOnly pickup = calendar.PickupDay(new DateTimeOffset(2026, 11, 27, 16, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 12, 1), pickup); // Monday 30th is a holiday
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 17, 0, 0, TimeSpan.Zero), calendar.EstimatedDelivery(pickup, 2));
    }

    [Fact]
    public void A_held_booking_is_withdrawn_by_the_carriers_own_window_or_the_default_without_terms()
    {
        var pickup = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

        (DateTimeOffset byContract, string contractBasis) = CancellationTerms.WithdrawalDeadline(new CancellationTerms(48, 300), "CLDX", pickup, TimeSpan.FromHours(24));
        (DateTimeOffset byDefault, string defaultBasis) = CancellationTerms.WithdrawalDeadline(null, "CLDX", pickup, TimeSpan.FromHours(24));

        Assert.Equal(pickup.AddHours(-48), byContract);
        Assert.Equal("48 h cancellation-fee window of CLDX's contract, TONU $300.00", contractBasis);
        Assert.Equal(pickup.AddHours(-24), byDefault);
        Assert.Equal("24 h default cancellation-fee window", defaultBasis);
    }

    [Fact]
    public void Service_performance_moves_with_observed_outcomes()
    {
        var performance = new CarrierPerformance(0.9m, 0.8m, 10);
        CarrierPerformance after = performance.Observe(deliveredOnTime: false, tenderAccepted: true);

        Assert.Equal(0.81m, after.OnTimeRate);
        Assert.Equal(0.82m, after.TenderAcceptanceRate);
        Assert.Equal(11, after.Observations);
    }

    [Fact]
    public void A_broken_contract_file_is_refused_with_every_problem_named()
    {
        CarrierContractSet broken = Contracts with
        {
            RoadFactor = 3,
            Carriers = [.. Contracts.Carriers.Take(1), Contracts.Carriers[0] with { Lanes = [Contracts.Carriers[0].Lanes[0] with { Ftl = null }] },
                Contracts.Carriers[1] with { Cancellation = new CancellationTerms(400, -1) }],
        };

        IReadOnlyList<string> problems = CarrierContractValidator.Validate(broken);

        Assert.Contains(problems, p => p.Contains("roadFactor"));
        Assert.Contains(problems, p => p.Contains("SCAC HRTL is listed twice"));
        Assert.Contains(problems, p => p.Contains(Contracts.Carriers[1].Scac) && p.Contains("cancellation terms"));
        Assert.Contains(problems, p => p.Contains("an FTL lane needs ftl"));
        Assert.Throws<ArgumentException>(() => new RateShopper(broken));
    }
}
