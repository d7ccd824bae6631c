using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Scaleout;
using Portal.SentryPlatform;
using Portal.Tenancy;

namespace Portal.ServiceHooks;

/// <summary>
/// The project service hooks admins registered, and their secrets: protected at rest (purpose
/// <see cref="Purpose"/>), held unprotected only in memory for checking signatures, never shown again.
/// </summary>
/// <remarks>
/// Other instances hear of a removed hook on Redis at once and forget its secret; without Redis every instance
/// forgets every secret on <see cref="CacheRefresher"/>'s interval and reads it again when next needed.
/// </remarks>
internal sealed partial class ServiceHookRegistry : IServiceHookKeys, IInstanceCache
{
    public const string Purpose = "SentryApp.ServiceHooks.v1";

    /// <summary>The Redis channel's name after the prefix: the ids of removed hooks.</summary>
    public const string ChannelName = "service-hooks";

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly TimeProvider time;
    private readonly IDataProtector protector;
    private readonly InstanceChannel<string> removals;
    private readonly ConcurrentDictionary<string, RegisteredHook> known = new(StringComparer.Ordinal);

    // Bumped whenever secrets are forgotten: a read from the database that began before may not cache what it found.
    private long generation;

    public ServiceHookRegistry(IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider protection, TimeProvider time, InstanceMessages instances)
    {
        ArgumentNullException.ThrowIfNull(protection);
        ArgumentNullException.ThrowIfNull(instances);
        this.dbFactory = dbFactory;
        this.time = time;
        protector = protection.CreateProtector(Purpose);
        removals = instances.Open<string>(ChannelName, capacity: 1024);
        removals.Received += Forget;
    }

    /// <summary>The key(s) a delivery naming <paramref name="hookId"/> must be signed with; none for an unknown hook.</summary>
    public async Task<IReadOnlyList<byte[]>> KeysOfAsync(string hookId) =>
        await FindAsync(hookId) is { } hook ? [hook.Key] : [];

    /// <summary>The registered hook, or null (also for anything not shaped like Sentry's 32-hex id).</summary>
    public async Task<RegisteredHook?> FindAsync(string hookId)
    {
        if (!HookIdShape().IsMatch(hookId ?? ""))
        {
            return null;
        }

        if (known.TryGetValue(hookId!, out var cached))
        {
            return cached;
        }

        var reading = Interlocked.Read(ref generation);
        await using var db = await dbFactory.CreateDbContextAsync();
        var hook = await db.ServiceHooks.AsNoTracking().FirstOrDefaultAsync(h => h.HookId == hookId);
        if (hook is null)
        {
            return null;
        }

        var registered = new RegisteredHook(hook.HookId, hook.OrganizationId, hook.ProjectSlug, Encoding.UTF8.GetBytes(protector.Unprotect(hook.ProtectedSecret)));
        if (Interlocked.Read(ref generation) == reading)
        {
            known[hook.HookId] = registered;
        }

        return registered;
    }

    public async Task<IReadOnlyList<ServiceHook>> ListAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await scope.Filter(db.ServiceHooks.AsNoTracking().Include(h => h.Organization), h => h.OrganizationId)
            .OrderBy(h => h.Organization!.Slug).ThenBy(h => h.ProjectSlug).ToListAsync(cancellationToken);
    }

    /// <summary>Registers a hook; returns why not, or null.</summary>
    public async Task<string?> AddAsync(AccessScope scope, long organizationId, string projectSlug, string hookId, string secret, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        hookId = (hookId ?? "").Trim().ToLowerInvariant();
        secret = (secret ?? "").Trim();
        var problem = !scope.Includes(organizationId) ? "Pick one of your organizations."
            : !scope.CanManage(organizationId) ? AccessMessages.ManagersOnly
            : string.IsNullOrWhiteSpace(projectSlug) ? "Give the Sentry project the hook belongs to."
            : !HookIdShape().IsMatch(hookId) ? "The hook id is the 32 hexadecimal digits Sentry shows as the hook's id."
            : secret.Length is < 16 or > 256 || secret.Any(char.IsControl) ? "The secret is the value Sentry showed when the hook was created (its 64 hexadecimal digits)."
            : null;
        if (problem is not null)
        {
            return problem;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ServiceHooks.Add(new ServiceHook
        {
            HookId = hookId, OrganizationId = organizationId, ProjectSlug = projectSlug.Trim(), ProtectedSecret = protector.Protect(secret),
            SecretHint = secret[^4..], CreatedBy = createdBy, CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return "That hook is already registered.";
        }
    }

    /// <summary>Removes a hook; false when it is not one this person may change.</summary>
    public async Task<bool> DeleteAsync(AccessScope scope, int id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var hook = await db.ServiceHooks.FirstOrDefaultAsync(h => h.Id == id, cancellationToken);
        if (hook is null || !scope.CanManage(hook.OrganizationId))
        {
            return false;
        }

        db.ServiceHooks.Remove(hook);
        await db.SaveChangesAsync(cancellationToken);
        Forget(hook.HookId);
        removals.Publish(hook.HookId);
        return true;
    }

    /// <summary>Forgets every secret; each is read again when a delivery next needs it.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref generation);
        known.Clear();
        return Task.CompletedTask;
    }

    private void Forget(string hookId)
    {
        Interlocked.Increment(ref generation);
        known.TryRemove(hookId, out _);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HookIdShape();
}

/// <summary>A hook as the signature check and the intake need it.</summary>
internal sealed record RegisteredHook(string HookId, long OrganizationId, string ProjectSlug, byte[] Key);
