namespace Portal.Scaleout;

/// <summary>A message as another instance sent it: who sent it, its place in that sender's sequence on the channel, and what it says.</summary>
public readonly record struct InstanceMessage<T>(string From, long Sequence, T Body);
