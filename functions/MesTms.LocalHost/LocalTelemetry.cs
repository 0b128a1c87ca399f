using MesTms.Pipeline.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MesTms.LocalHost;

/// <summary>Where the local host sends its OpenTelemetry traces and metrics, bound from <c>LocalHost:Telemetry</c>.</summary>
public sealed class LocalTelemetryOptions
{
    public const string Section = "LocalHost:Telemetry";

    /// <summary><c>none</c> (default), <c>console</c>, or <c>otlp</c> (to <see cref="OtlpEndpoint"/>, or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public string Exporter { get; set; } = "none";

    /// <summary>An OTLP/HTTP collector, e.g. <c>http://127.0.0.1:4318</c> (signals go to <c>/v1/traces</c> and <c>/v1/metrics</c>).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>How often metrics are exported.</summary>
    public int MetricIntervalMilliseconds { get; set; } = 10_000;

    /// <summary>How long finished spans wait to be sent in a batch.</summary>
    public int TraceBatchDelayMilliseconds { get; set; } = 2_000;

    public void Validate()
    {
        if (Exporter is not ("none" or "console" or "otlp"))
        {
            throw new InvalidOperationException($"{Section}:Exporter must be none, console or otlp (got '{Exporter}').");
        }

        if (Exporter == "otlp" && OtlpEndpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{Section}:OtlpEndpoint must be an absolute URL (got '{endpoint}').");
        }

        if (MetricIntervalMilliseconds < 100 || TraceBatchDelayMilliseconds < 10)
        {
            throw new InvalidOperationException($"{Section}:MetricIntervalMilliseconds must be at least 100 and TraceBatchDelayMilliseconds at least 10.");
        }
    }
}

/// <summary>
/// OpenTelemetry for the local host: one trace per order (the webhook request, Durable Task's orchestration and activity
/// spans, the Cosmos requests and carrier calls inside them) and the bridge's metrics (<see cref="MesTmsTelemetry"/>), plus
/// ASP.NET Core and HttpClient instrumentation, to the console or an OTLP collector. Off unless configured.
/// </summary>
public static class LocalTelemetry
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var options = new LocalTelemetryOptions();
        configuration.GetSection(LocalTelemetryOptions.Section).Bind(options);
        options.Validate();
        if (options.Exporter == "none")
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("mestms-bridge", serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(MesTmsTelemetry.Name, MesTmsTelemetry.DurableTaskSource).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.Exporter == "console")
                {
                    tracing.AddConsoleExporter();
                }
                else
                {
                    tracing.AddOtlpExporter(otlp =>
                    {
                        Configure(otlp, options, "v1/traces");
                        otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = options.TraceBatchDelayMilliseconds;
                    });
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MesTmsTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.Exporter == "console")
                {
                    metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricIntervalMilliseconds);
                }
                else
                {
                    metrics.AddOtlpExporter((otlp, reader) =>
                    {
                        Configure(otlp, options, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricIntervalMilliseconds;
                    });
                }
            });
    }

    static void Configure(OtlpExporterOptions otlp, LocalTelemetryOptions options, string signalPath)
    {
        otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
        if (options.OtlpEndpoint is { Length: > 0 } endpoint)
        {
            otlp.Endpoint = new Uri(new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/"), signalPath);
        }
    }
}
