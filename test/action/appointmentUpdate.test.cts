import { errorOf, SEED_DATES, useSandbox } from './support.cjs';

const ctx = useSandbox();
const update = (updateFields: Record<string, unknown>, appointmentId = 'apt_1001') => ({
	resource: 'appointment',
	operation: 'update',
	appointmentId,
	updateFields,
});

describe('Appointment → Update', () => {
	it('sends only the fields that were set and outputs the appointment', async () => {
		const result = await ctx.run(update({ assignedDoctor: 'Dr. Kavya Menon', notes: 'Bring reports' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.json[0]).toMatchObject({
			appointment_id: 'apt_1001',
			assigned_doctor: 'Dr. Kavya Menon',
			notes: 'Bring reports',
			status: 'confirmed',
		});
		const [request] = await ctx.admin.requests({ method: 'PATCH' });
		expect(request.path).toBe('/v1/appointments/apt_1001');
		expect(JSON.parse(request.body)).toEqual({ assigned_doctor: 'Dr. Kavya Menon', notes: 'Bring reports' });
	});

	it('sends the appointment date in UTC, reading a picker value in the workflow’s time zone', async () => {
		const result = await ctx.run(update({ appointmentDate: `${SEED_DATES.second}T19:00:00`, session: 'Evening' }), {
			timezone: 'Asia/Kolkata',
		});
		expect(result.error).toBeUndefined();
		const [request] = await ctx.admin.requests({ method: 'PATCH' });
		expect(JSON.parse(request.body)).toEqual({
			appointment_date: `${SEED_DATES.second}T13:30:00.000Z`,
			session: 'Evening',
		});
		expect(result.json[0]).toMatchObject({ date: SEED_DATES.second, session: 'Evening' });
	});

	it('sends status, session and batch choices as HuskyVoice names them', async () => {
		const result = await ctx.run(update({ status: 'cancelled', session: 'Evening', batch: 'B1' }));
		expect(result.error).toBeUndefined();
		const [request] = await ctx.admin.requests({ method: 'PATCH' });
		expect(JSON.parse(request.body)).toEqual({ status: 'cancelled', session: 'Evening', batch: 'B1' });
		expect(result.json[0]).toMatchObject({ status: 'cancelled', session: 'Evening' });
	});

	it('refuses an update with no fields set, naming the item, without sending anything', async () => {
		const result = await ctx.run(update({ notes: '' }), { items: [{}, {}], continueOnFail: true });
		expect(result.json[1].error).toBe(
			'Update Fields (item 1): nothing to update — add at least one field (e.g. Status or Appointment Date) with a value',
		);
		expect(await ctx.admin.requests()).toHaveLength(0);
	});

	it('refuses an appointment date that is not ISO 8601, naming the field and the item', async () => {
		const error = errorOf(await ctx.run(update({ appointmentDate: 'next monday' })));
		expect(error.message).toMatch(/^Appointment Date \(item 0\): must be an ISO 8601 date-time/);
		expect(await ctx.admin.requests()).toHaveLength(0);
	});

	it('explains a full slot (409 SLOT_FULL)', async () => {
		const error = errorOf(await ctx.run(update({ session: 'Afternoon' })));
		expect(error.message).toBe('That slot is full — pick another date, session or batch');
		expect(String(error.description)).toContain('SLOT_FULL');
	});

	it('explains a date outside the clinic’s availability (400 OUTSIDE_AVAILABILITY)', async () => {
		const error = errorOf(await ctx.run(update({ appointmentDate: `${SEED_DATES.noAvailability}T04:00:00Z` })));
		expect(error.message).toBe('The new date or session is outside the clinic’s availability');
	});

	it('explains a duplicate booking (409 DUPLICATE_BOOKING)', async () => {
		const error = errorOf(await ctx.run(update({ appointmentDate: `${SEED_DATES.second}T04:00:00Z` })));
		expect(error.message).toBe('This patient already has an appointment in that slot');
	});

	it('names the appointment ID when it does not exist', async () => {
		const error = errorOf(await ctx.run(update({ notes: 'x' }, 'apt_404')));
		expect(error.message).toBe('No appointment with ID "apt_404" in this HuskyVoice account');
	});
});
