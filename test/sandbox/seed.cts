import type { Appointment, AppointmentConfig, Service, Session, Slot } from './types.cjs';

/**
 * Fixed, far-future seed data (documented in README.md):
 * 2030-06-03 has slots incl. one full one (slot_2002), 2030-06-04 has slots, 2030-06-05 has none.
 */
export const SEED_DATES = { open: '2030-06-03', second: '2030-06-04', noAvailability: '2030-06-05' };

const SEEDED_AT = '2030-05-20T08:00:00.000Z';

/** The organisation's services (appointment types); ids are UUIDs as in HuskyVoice. */
export const SEED_SERVICES = {
	consultation: { service_id: '3f1c2a9e-5b7d-4e21-9a3c-0d1e2f3a4b01', name: 'Consultation' },
	followUp: { service_id: '3f1c2a9e-5b7d-4e21-9a3c-0d1e2f3a4b02', name: 'Follow-up visit' },
	vaccination: { service_id: '3f1c2a9e-5b7d-4e21-9a3c-0d1e2f3a4b03', name: 'Vaccination' },
} satisfies Record<string, Service>;

export function seedServices(): Service[] {
	return Object.values(SEED_SERVICES).map((s) => ({ ...s }));
}

export function seedAppointmentConfig(): AppointmentConfig {
	return { allow_cancellation: true, cancellation_notice_hours: 24 };
}

const SESSION_HOURS: Record<Session, [string, string]> = {
	Morning: ['09:00', '12:00'],
	Afternoon: ['13:00', '16:00'],
	Evening: ['17:00', '20:00'],
};

function slot(
	n: number,
	date: string,
	branch_id: string,
	session: Session,
	batch: string,
	max_slots: number,
	filled_slots: number,
): Slot {
	const [start_time, end_time] = SESSION_HOURS[session];
	return {
		slot_id: `slot_${n}`,
		calendar_id: `cal_${branch_id === 'br_koramangala' ? 101 : 102}`,
		branch_id,
		day: new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }),
		session,
		batch,
		start_time,
		end_time,
		appointment_type: null,
		max_slots,
		ai_slots: Math.ceil(max_slots / 2),
		filled_slots,
		available_slots: max_slots - filled_slots,
		status: 'OPEN',
		date,
	};
}

export function seedSlots(): Slot[] {
	const { open, second } = SEED_DATES;
	return [
		slot(2001, open, 'br_koramangala', 'Morning', 'B1', 10, 3),
		slot(2002, open, 'br_koramangala', 'Afternoon', 'B1', 8, 8),
		slot(2003, open, 'br_koramangala', 'Evening', 'B1', 6, 1),
		slot(2004, open, 'br_indiranagar', 'Morning', 'B1', 10, 0),
		slot(2005, second, 'br_koramangala', 'Morning', 'B1', 10, 2),
		slot(2006, second, 'br_koramangala', 'Evening', 'B2', 6, 0),
		slot(2007, second, 'br_indiranagar', 'Afternoon', 'B1', 5, 1),
	];
}

function appointment(fields: Omit<Appointment, 'status' | 'created_at' | 'updated_at'>): Appointment {
	return { ...fields, status: 'confirmed', created_at: SEEDED_AT, updated_at: SEEDED_AT, booked_via: 'phone_call' };
}

export function seedAppointments(): Appointment[] {
	const { open, second } = SEED_DATES;
	return [
		appointment({
			appointment_id: 'apt_1001',
			appointment_type: SEED_SERVICES.consultation.service_id,
			branch_id: 'br_koramangala',
			date: open,
			session: 'Morning',
			batch: 'B1',
			token: 'T-03',
			patient_name: 'Aarav Sharma',
			parent_phone: '+919876543210',
			assigned_doctor: 'Dr. Meera Iyer',
			external_reference_id: 'EXT-5001',
		}),
		appointment({
			appointment_id: 'apt_1002',
			appointment_type: SEED_SERVICES.followUp.service_id,
			branch_id: 'br_koramangala',
			date: second,
			session: 'Morning',
			batch: 'B1',
			token: 'T-02',
			patient_name: 'Aarav Sharma',
			parent_phone: '+919876543210',
			assigned_doctor: 'Dr. Meera Iyer',
			external_reference_id: 'EXT-5002',
		}),
		appointment({
			appointment_id: 'apt_1003',
			appointment_type: SEED_SERVICES.consultation.service_id,
			branch_id: 'br_indiranagar',
			date: second,
			session: 'Afternoon',
			batch: 'B1',
			token: 'T-01',
			patient_name: 'Diya Patel',
			parent_phone: '+919812345678',
			assigned_doctor: 'Dr. Arjun Nair',
			external_reference_id: 'EXT-5003',
		}),
		appointment({
			appointment_id: 'apt_1004',
			appointment_type: SEED_SERVICES.vaccination.service_id,
			branch_id: 'br_koramangala',
			date: second,
			session: 'Morning',
			batch: 'B1',
			token: 'T-01',
			patient_name: 'Kabir Rao',
			parent_phone: '+919900112233',
			assigned_doctor: 'Dr. Meera Iyer',
			external_reference_id: 'EXT-5004',
		}),
	];
}
