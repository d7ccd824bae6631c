using System.Text;
using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

/// <summary>The secrets a signature may be made with right now: the client secret and, during a rotation, the previous one.</summary>
internal sealed class SentrySigningKeys(IOptions<SentryOptions> options, TimeProvider time)
{
    private readonly byte[] current = Encoding.UTF8.GetBytes(options.Value.ClientSecret ?? "");
    private readonly byte[]? previous = string.IsNullOrEmpty(options.Value.PreviousClientSecret)
        ? null
        : Encoding.UTF8.GetBytes(options.Value.PreviousClientSecret);
    private readonly DateTimeOffset previousExpiresAt = options.Value.PreviousClientSecretExpiresAt ?? DateTimeOffset.MinValue;
    private byte[][]? both;
    private byte[][]? currentOnly;

    public IReadOnlyList<byte[]> Active() =>
        previous is not null && time.GetUtcNow() < previousExpiresAt
            ? both ??= [current, previous]
            : currentOnly ??= [current];
}
