namespace Portal.SentryPlatform;

/// <summary>
/// The secrets of project service hooks, by the GUID a delivery names (<c>X-ServiceHook-GUID</c>): the signature
/// check asks for them without knowing where hooks are registered (the ServiceHooks feature answers).
/// </summary>
public interface IServiceHookKeys
{
    /// <summary>The key(s) a delivery naming <paramref name="hookId"/> must be signed with; none for an unknown hook.</summary>
    Task<IReadOnlyList<byte[]>> KeysOfAsync(string hookId);
}
