namespace Portal.Dashboard;

/// <summary>
/// A part of the delivery page that a higher feature renders (Automations: what the rules made of the delivery),
/// so the Dashboard shows it without depending on that feature. The component takes a <c>DeliveryId</c> (long) parameter.
/// </summary>
/// <param name="Component">A Razor component type with a <c>[Parameter] long DeliveryId</c>.</param>
internal sealed record DeliveryDetailSection(Type Component);
