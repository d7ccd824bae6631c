using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Scaleout;

namespace Portal.Tenancy;

/// <summary>
/// The organizations the portal knows, by Sentry's id, with the slug Sentry last gave each: the one place that
/// names an organization for display and the one place a slug changes. Slugs come only from Sentry — signed
/// webhooks, its answers to the portal's own calls, the organization lists it gives at sign-in — never from a
/// browser's query string. Kept in memory too, so the live stream names an organization without a query.
/// </summary>
/// <remarks>
/// An instance that records or renames an organization tells the others on Redis, and each reads that row again
/// (the database decides which of two slugs is newer); without Redis they re-read every organization on
/// <see cref="CacheRefresher"/>'s interval.
/// </remarks>
internal sealed partial class OrganizationDirectory : IHostedService, IInstanceCache
{
    /// <summary>The Redis channel's name after the prefix: ids of organizations whose row changed.</summary>
    public const string ChannelName = "organizations";

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly ILogger<OrganizationDirectory> logger;
    private readonly InstanceChannel<long> changes;
    private readonly ConcurrentDictionary<long, string> slugs = new();

    // Every write to slugs happens under this lock and counts in version, so a read from the database that began
    // before a write never puts back what the write replaced.
    private readonly Lock gate = new();
    private long version;

    public OrganizationDirectory(IDbContextFactory<PortalDbContext> dbFactory, ILogger<OrganizationDirectory> logger, InstanceMessages instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        this.dbFactory = dbFactory;
        this.logger = logger;
        changes = instances.Open<long>(ChannelName, capacity: 1024);
        changes.Received += organizationId => _ = ReloadAsync(organizationId);
    }

    /// <summary>The slug to show for an organization; null when unknown (an orphan delivery has none).</summary>
    public string? SlugOf(long? organizationId) =>
        organizationId is { } id && slugs.TryGetValue(id, out var slug) && slug.Length > 0 ? slug : null;

    /// <summary>How pages name an organization: its slug, or its id while Sentry has not named it.</summary>
    public string NameOf(long organizationId) =>
        SlugOf(organizationId) ?? (organizationId < 0 ? "unnamed organization" : organizationId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Organizations whose slug contains <paramref name="text"/> (any case): free-text search over deliveries.</summary>
    public IReadOnlyList<long> Matching(string text) =>
        [.. slugs.Where(pair => pair.Value.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(pair => pair.Key)];

    /// <summary>The organization a filter names, by id or by its current slug; null when none does.</summary>
    public long? Find(string? idOrSlug)
    {
        if (string.IsNullOrEmpty(idOrSlug))
        {
            return null;
        }

        if (long.TryParse(idOrSlug, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            return slugs.ContainsKey(id) ? id : null;
        }

        // A slug can be on two organizations for a while (one renamed away, another took it): the one Sentry named last wins.
        var named = slugs.Where(pair => string.Equals(pair.Value, idOrSlug, StringComparison.Ordinal)).Select(pair => pair.Key).ToList();
        return named.Count == 0 ? null : named.Max();
    }

    /// <summary>The organizations a person may see (or, with <paramref name="managing"/>, change), by name, for pickers.</summary>
    public IReadOnlyList<OrganizationChoice> Choices(AccessScope scope, bool managing = false)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return [.. slugs.Keys
            .Where(id => managing ? scope.CanManage(id) : scope.Includes(id))
            .Select(id => new OrganizationChoice(id, NameOf(id)))
            .OrderBy(choice => choice.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Records what Sentry said about an organization at <paramref name="saidAt"/>: adds it, or renames it when this
    /// word is newer than the one it has. Committed at once, so rows may reference it right after.
    /// </summary>
    public async Task RecordAsync(long organizationId, string? slug, DateTimeOffset saidAt, CancellationToken cancellationToken)
    {
        if (organizationId <= 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.FindAsync([organizationId], cancellationToken);
        if (organization is null)
        {
            db.Organizations.Add(organization = new Organization { Id = organizationId, Slug = slug ?? "", SlugSeenAt = saidAt });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                // Recorded a moment ago by another caller: apply this word to that row instead.
                await RecordAsync(organizationId, slug, saidAt, cancellationToken);
                return;
            }
        }
        else if (!string.IsNullOrEmpty(slug) && slug != organization.Slug && saidAt >= organization.SlugSeenAt)
        {
            LogRenamed(organizationId, organization.Slug, slug);
            organization.Slug = slug;
            organization.SlugSeenAt = saidAt;
            await db.SaveChangesAsync(cancellationToken);
        }

        if (Set(organizationId, organization.Slug))
        {
            changes.Publish(organizationId);
        }
    }

    /// <summary>
    /// Slugs Sentry listed for a person at sign-in: they rename organizations the portal knows (Sentry sends no
    /// webhook when an owner renames one) and add none.
    /// </summary>
    public async Task RefreshKnownAsync(IEnumerable<KeyValuePair<long, string>> listed, DateTimeOffset saidAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listed);
        foreach (var (organizationId, slug) in listed)
        {
            if (slugs.TryGetValue(organizationId, out var known) && known != slug)
            {
                await RecordAsync(organizationId, slug, saidAt, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A provisional organization (from the portal's slug-keyed storage) is the one Sentry now names: every row of
    /// it moves there, in one transaction. False, and nothing moved, when the two cannot be merged.
    /// </summary>
    public async Task<bool> AdoptAsync(long provisionalId, long organizationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await db.ReassignOrganizationAsync(provisionalId, organizationId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception)
        {
            LogNotAdopted(exception, provisionalId, organizationId);
            return false;
        }
        catch (System.Data.Common.DbException exception)
        {
            LogNotAdopted(exception, provisionalId, organizationId);
            return false;
        }

        lock (gate)
        {
            version++;
            slugs.TryRemove(provisionalId, out _);
        }

        changes.Publish(provisionalId);
        LogAdopted(provisionalId, organizationId);
        return true;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var organization in await db.Organizations.AsNoTracking().ToListAsync(cancellationToken))
        {
            slugs[organization.Id] = organization.Slug;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes every organization's row as the database has it now: other instances' additions, renames and adoptions.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var reading = Interlocked.Read(ref version);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var rows = await db.Organizations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Slug, cancellationToken);
            lock (gate)
            {
                if (version != reading)
                {
                    continue;
                }

                foreach (var (organizationId, slug) in rows)
                {
                    if (!slugs.TryGetValue(organizationId, out var known) || known != slug)
                    {
                        slugs[organizationId] = slug;
                    }
                }

                foreach (var organizationId in slugs.Keys.Where(id => !rows.ContainsKey(id)))
                {
                    slugs.TryRemove(organizationId, out _);
                }

                version++;
                return;
            }
        }
    }

    // Another instance changed this organization's row: read it again (gone when it was adopted into another).
    private async Task ReloadAsync(long organizationId)
    {
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var reading = Interlocked.Read(ref version);
                await using var db = await dbFactory.CreateDbContextAsync();
                var slug = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Slug).SingleOrDefaultAsync();
                lock (gate)
                {
                    if (version != reading)
                    {
                        continue;
                    }

                    version++;
                    if (slug is null)
                    {
                        slugs.TryRemove(organizationId, out _);
                    }
                    else
                    {
                        slugs[organizationId] = slug;
                    }

                    return;
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReloadFailed(exception, organizationId);
        }
    }

    // True when the slug is new to this instance.
    private bool Set(long organizationId, string slug)
    {
        lock (gate)
        {
            version++;
            if (slugs.TryGetValue(organizationId, out var known) && known == slug)
            {
                return false;
            }

            slugs[organizationId] = slug;
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read organization {OrganizationId} again after another instance changed it; the next refresh will")]
    private partial void LogReloadFailed(Exception exception, long organizationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Organization {OrganizationId} is now called {Slug} (was {PreviousSlug})")]
    private partial void LogRenamed(long organizationId, string previousSlug, string slug);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rows kept under provisional organization {ProvisionalId} moved to organization {OrganizationId}, which Sentry named")]
    private partial void LogAdopted(long provisionalId, long organizationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not move the rows of provisional organization {ProvisionalId} to organization {OrganizationId} (both hold rows with the same key); operators see both")]
    private partial void LogNotAdopted(Exception exception, long provisionalId, long organizationId);
}
