using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.Realtime;
using Portal.Scaleout;
using Portal.Tenancy;
using Portal.Webhooks;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The delivery processor's real services on a migrated throw-away database of this run's provider, with the writer running so
/// outcomes are committed. Only the edges are fakes: time (a <see cref="ProcessorClock"/>) and the handlers a test
/// gives in place of the portal's.
/// </summary>
internal sealed class ProcessingServices : IAsyncDisposable
{
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly ServiceProvider services;
    private readonly ConcurrentQueue<string> logs = new();
    private int bodies;

    public ProcessingServices(params IWebhookHandler[] handlers)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.AddProvider(new LogLines(logs)));
        collection.AddMetrics();
        collection.AddSingleton<TimeProvider>(Clock);
        collection.AddSingleton(database.Settings);
        collection.AddDbContextFactory<PortalDbContext>(options => database.Settings.Configure(options));
        collection.AddSingleton<InstanceMessages>();
        collection.AddSingleton<DeliveryPublisher>();
        collection.AddSingleton<OrganizationDirectory>();
        collection.AddSingleton<InstallationOrganizations>();
        collection.AddSingleton<WebhookMetrics>();
        collection.AddSingleton<WorkSignal>();
        collection.AddSingleton<WarningThrottle>();
        collection.AddSingleton<AcknowledgementLatencies>();
        collection.AddSingleton(WebhooksRegistration.CreateStore);
        collection.AddSingleton<DeliveryWriter>();
        foreach (var handler in handlers)
        {
            collection.AddSingleton(handler);
        }

        collection.AddSingleton<WebhookDispatcher>();
        collection.AddSingleton<DeliveryAnomalies>();
        collection.AddSingleton<ProcessingPass>();
        collection.AddSingleton<DeliveryMending>();
        collection.AddSingleton(ProcessingPace.Default);
        collection.AddSingleton<DeliveryClaims>();
        collection.AddSingleton<DeliveryProcessor>();
        services = collection.BuildServiceProvider();
    }

    public ProcessorClock Clock { get; } = new();

    /// <summary>Every log line written, as "Category: message".</summary>
    public IReadOnlyCollection<string> Logs => logs;

    public T Get<T>() where T : notnull => services.GetRequiredService<T>();

    /// <summary>Migrates the database and starts the writer and the in-memory directories; not the processor's loop.</summary>
    public async Task StartAsync()
    {
        await database.MigrateAsync();

        await Get<DeliveryWriter>().StartAsync(TestContext.Current.CancellationToken);
        await Get<OrganizationDirectory>().StartAsync(TestContext.Current.CancellationToken);
        await Get<InstallationOrganizations>().StartAsync(TestContext.Current.CancellationToken);

        // It follows what installations learn from construction on, as in the host, which builds it at start-up.
        Get<DeliveryMending>();
    }

    public PortalDbContext OpenDatabase() => database.Open();

    /// <summary>An organization the portal knows, named <c>org-{id}</c>.</summary>
    public Task AddOrganizationAsync(long id) =>
        Get<OrganizationDirectory>().RecordAsync(id, $"org-{id}", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

    /// <summary>An installation the portal has recorded, in an organization it knows (when one is given).</summary>
    public async Task InstallAsync(Guid uuid, long? organizationId, InstallationStatus status = InstallationStatus.Installed)
    {
        if (organizationId is { } id)
        {
            await AddOrganizationAsync(id);
        }

        await using var db = OpenDatabase();
        db.Installations.Add(new Installation { Uuid = uuid, AppSlug = "acme-portal", OrganizationId = organizationId, Status = status, InstalledAt = Clock.GetUtcNow() });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A delivery as the writer stores it (by default Pending and due now), with a body of its own; returns its id.</summary>
    public async Task<long> StoreAsync(
        string resource, Guid? installation = null, string? requestId = null, DeliveryState state = DeliveryState.Pending,
        DeliveryFlags flags = DeliveryFlags.None, byte[]? body = null)
    {
        body ??= Encoding.UTF8.GetBytes($$$"""{"action":"created","installation":{"uuid":"{{{installation}}}"},"data":{"n":{{{Interlocked.Increment(ref bodies)}}}}}""");
        var delivery = new WebhookDelivery
        {
            Body = body,
            BodySha256 = SHA256.HashData(body),
            RequestId = requestId,
            Resource = resource,
            Action = "created",
            InstallationUuid = installation,
            ReceivedAt = Clock.GetUtcNow(),
            NextAttemptAt = Clock.GetUtcNow(),
            State = state,
            Flags = flags,
        };
        await using var db = OpenDatabase();
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return delivery.Id;
    }

    public async Task<WebhookDelivery> FindAsync(long id)
    {
        await using var db = OpenDatabase();
        return await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == id, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Get<DeliveryProcessor>().StopAsync(CancellationToken.None);
        await Get<DeliveryWriter>().StopAsync(CancellationToken.None);
        await services.DisposeAsync();
        await database.DisposeAsync();
    }

    private sealed class LogLines(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Category(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Category(string name, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{name}: {formatter(state, exception)}");
        }
    }
}
