// Drives a running balancer with two real front-end client libraries, bigbluebutton-js and
// bbb-promise: create, join (following the balancer's redirect to the simulated BBB server, which
// verifies the re-signed checksum), isMeetingRunning, getMeetingInfo, getMeetings and end.
// Usage: BBB_URL=http://127.0.0.1:PORT/bigbluebutton BBB_SECRET=... node clients.js
'use strict'

const assert = require('assert')
const bbb = require('bigbluebutton-js')
const bbbp = require('bbb-promise')

const base = process.env.BBB_URL
const secret = process.env.BBB_SECRET
if (!base || !secret) {
  console.error('BBB_URL and BBB_SECRET are required')
  process.exit(2)
}

// field finds key in a parsed XML object (fast-xml-parser or xml2js shapes) and unwraps arrays.
function field(obj, key) {
  if (obj === null || typeof obj !== 'object') return undefined
  if (Object.prototype.hasOwnProperty.call(obj, key)) {
    let v = obj[key]
    while (Array.isArray(v) && v.length === 1) v = v[0]
    return v
  }
  for (const v of Object.values(obj)) {
    const found = field(v, key)
    if (found !== undefined) return found
  }
  return undefined
}

// joinThrough follows the balancer's 302 to the backend and checks the backend accepted it.
async function joinThrough(url) {
  const lb = await fetch(url, { redirect: 'manual' })
  assert.strictEqual(lb.status, 302, `balancer join answered ${lb.status}: ${await lb.text()}`)
  const target = lb.headers.get('location')
  assert.ok(target && target.includes('/bigbluebutton/api/join?'), `redirect target ${target}`)
  const backend = await fetch(target, { redirect: 'manual' })
  assert.strictEqual(backend.status, 302, `backend join answered ${backend.status}: ${await backend.text()}`)
  assert.ok(backend.headers.get('location').includes('sessionToken='), 'backend did not admit the user')
  return target
}

const results = []

async function step(lib, name, fn) {
  try {
    await fn()
    results.push(`ok   ${lib} ${name}`)
  } catch (err) {
    results.push(`FAIL ${lib} ${name}: ${err.stack || err}`)
  }
}

async function bigbluebuttonJS() {
  const api = bbb.api(base, secret)
  const id = 'js-room-1'
  await step('bigbluebutton-js', 'create', async () => {
    const r = await bbb.http(api.administration.create('JS Room', id, { attendeePW: 'ap', moderatorPW: 'mp', record: true }))
    assert.strictEqual(r.returncode, 'SUCCESS', JSON.stringify(r))
    assert.strictEqual(String(r.meetingID), id)
  })
  await step('bigbluebutton-js', 'join', async () => {
    await joinThrough(api.administration.join('Alice', id, 'mp'))
  })
  await step('bigbluebutton-js', 'isMeetingRunning', async () => {
    const r = await bbb.http(api.monitoring.isMeetingRunning(id))
    assert.strictEqual(r.returncode, 'SUCCESS')
    assert.strictEqual(r.running, true, JSON.stringify(r))
  })
  await step('bigbluebutton-js', 'getMeetingInfo', async () => {
    const r = await bbb.http(api.monitoring.getMeetingInfo(id))
    assert.strictEqual(r.returncode, 'SUCCESS')
    assert.strictEqual(String(r.meetingID), id)
    assert.strictEqual(r.participantCount, 1, JSON.stringify(r))
  })
  await step('bigbluebutton-js', 'getMeetings', async () => {
    const r = await bbb.http(api.monitoring.getMeetings())
    assert.strictEqual(r.returncode, 'SUCCESS')
    assert.ok(r.meetings.some((m) => String(m.meetingID) === id), JSON.stringify(r))
  })
  await step('bigbluebutton-js', 'end', async () => {
    const r = await bbb.http(api.administration.end(id, 'mp'))
    assert.strictEqual(r.returncode, 'SUCCESS')
    assert.strictEqual(r.messageKey, 'sentEndMeetingRequest')
    const after = await bbb.http(api.monitoring.isMeetingRunning(id))
    assert.strictEqual(after.running, false)
  })
  await step('bigbluebutton-js', 'checksumError', async () => {
    const r = await bbb.http(bbb.api(base, 'wrong-secret').monitoring.getMeetings())
    assert.strictEqual(r.returncode, 'FAILED')
    assert.strictEqual(r.messageKey, 'checksumError')
  })
}

async function bbbPromise() {
  const server = bbbp.server(base, secret)
  const id = 'promise-room-1'
  await step('bbb-promise', 'create', async () => {
    const r = await server.administration.create('Promise Room', id, { attendeePW: 'ap', moderatorPW: 'mp' })
    assert.strictEqual(field(r, 'returncode'), 'SUCCESS', JSON.stringify(r))
    assert.strictEqual(field(r, 'meetingID'), id)
  })
  await step('bbb-promise', 'join', async () => {
    await joinThrough(server.administration.join('Bob', id, 'ap'))
  })
  await step('bbb-promise', 'isMeetingRunning', async () => {
    const r = await server.monitoring.isMeetingRunning(id)
    assert.strictEqual(field(r, 'running'), 'true', JSON.stringify(r))
  })
  await step('bbb-promise', 'getMeetingInfo', async () => {
    const r = await server.monitoring.getMeetingInfo(id)
    assert.strictEqual(field(r, 'returncode'), 'SUCCESS')
    assert.strictEqual(field(r, 'attendeePW'), 'ap', JSON.stringify(r))
  })
  await step('bbb-promise', 'getMeetings', async () => {
    const r = await server.monitoring.getMeetings()
    assert.strictEqual(field(r, 'returncode'), 'SUCCESS')
    assert.ok(JSON.stringify(r).includes(id), JSON.stringify(r))
  })
  await step('bbb-promise', 'end', async () => {
    const r = await server.administration.end(id, 'mp')
    assert.strictEqual(field(r, 'messageKey'), 'sentEndMeetingRequest', JSON.stringify(r))
    const after = await server.monitoring.isMeetingRunning(id)
    assert.strictEqual(field(after, 'running'), 'false')
  })
  await step('bbb-promise', 'unknown meeting', async () => {
    const r = await server.monitoring.getMeetingInfo('no-such-room')
    assert.strictEqual(field(r, 'messageKey'), 'notFound', JSON.stringify(r))
  })
}

;(async () => {
  await bigbluebuttonJS()
  await bbbPromise()
  for (const line of results) console.log(line)
  const failed = results.filter((r) => r.startsWith('FAIL')).length
  console.log(`client calls: ${results.length - failed} ok, ${failed} failing`)
  process.exit(failed === 0 ? 0 : 1)
})()
