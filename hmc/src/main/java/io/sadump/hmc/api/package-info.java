/**
 * The HMC Web Services API subset (for automation written against zhmcclient, its {@code zhmc} command
 * and the Ansible modules): the CPC and its logical partitions (one per machine directory), logon and
 * logoff with the {@code X-API-Session} header, the LPAR operations as asynchronous jobs,
 * {@code list-os-messages}, and the WSAPI error body with its status and reason codes. Every task goes
 * through {@link io.sadump.hmc.HmcMachine}, every permission through the site's Authorizer and every
 * operation into the AuditLog, exactly as the browser console's.
 */
package io.sadump.hmc.api;
