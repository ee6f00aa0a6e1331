/**
 * Corruption-injection campaigns: many {@link io.sadump.campaign.Scenario}s drawn from a seed, each a
 * fresh copy of a {@link io.sadump.campaign.CampaignTemplate} with one injection from the corruption
 * catalogue, run through the HMC load ({@link io.sadump.campaign.HmcLoad}) and checked against the
 * verdict and the memory it must produce ({@link io.sadump.campaign.ScenarioRunner}); the results as
 * {@link io.sadump.campaign.CampaignResult} and an HTML report. A scenario id replays one scenario.
 *
 * <p>May use: {@code io.sadump.machine}, {@code io.sadump.meminfo}, {@code io.sadump.device} and its
 * subpackages, {@code io.sadump.dump} and its subpackages, {@code io.sadump.ipl} and {@code
 * io.sadump.fixtures}. Nothing here prints or exits.
 */
package io.sadump.campaign;
