import { availabilityHandler, patchAppointmentHandler } from './appointments.cjs';
import {
	appointmentConfigHandler,
	createAppointmentHandler,
	getAppointmentHandler,
	listServicesHandler,
	searchAppointmentsHandler,
} from './booking.cjs';
import { cancelCallHandler, createCallHandler, deleteCallHandler, getCallHandler } from './calls-api.cjs';
import { inboundHookHandler } from './inbound.cjs';
import { Router } from './router.cjs';
import { createWebhookHandler, deleteWebhookHandler, listWebhooksHandler } from './webhooks.cjs';
import { createWindowHandler } from './windows.cjs';

const READ = { scope: 'appointments:read' };
const WRITE = { scope: 'appointments:write' };

/** The HuskyVoice API; each key is also the route's fault-injection key. */
export const apiRoutes = new Router()
	.add('POST /v1/calls', createCallHandler)
	.add('GET /v1/calls/:id', getCallHandler)
	.add('POST /v1/calls/:id/cancel', cancelCallHandler)
	.add('DELETE /v1/calls/:id', deleteCallHandler)
	.add('POST /v1/appointments', createAppointmentHandler, WRITE)
	.add('GET /v1/appointments', searchAppointmentsHandler, READ)
	.add('GET /v1/appointments/:id', getAppointmentHandler, READ)
	.add('PATCH /v1/appointments/:id', patchAppointmentHandler, WRITE)
	.add('GET /v1/appointment-config', appointmentConfigHandler, READ)
	.add('GET /v1/services', listServicesHandler, READ)
	.add('GET /v1/appointment-slots/availability', availabilityHandler, READ)
	.add('POST /v1/appointment-slots', createWindowHandler, { scope: 'slots:write' })
	.add('POST /v1/hooks/:token', inboundHookHandler, { public: true })
	.add('POST /v1/webhooks', createWebhookHandler)
	.add('GET /v1/webhooks', listWebhooksHandler)
	.add('DELETE /v1/webhooks/:id', deleteWebhookHandler);
