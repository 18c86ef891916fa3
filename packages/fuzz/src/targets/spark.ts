import { ProtocolError } from '@spark-swarm/protocol'
import { parseSparkRound, preprocessSparkMeasurement, SparkMeasurementError } from '@spark-swarm/protocol/spark-compat'
import { jsonValueInputs } from '../inputs.js'
import { codeWhenInstance, type FuzzTarget } from '../target.js'

/** Lines as Spark published them (test/vectors/spark-evaluate), one OK and one failed retrieval. */
const LINES = [
  {
    id: 10339,
    spark_version: '1.17.0',
    zinnia_version: '0.20.2',
    participant_address: '0x385f063707F7f21BCd69223BFf7DcBbB3329cdDb',
    station_id: '97dae5bf42506c8aff200aeaf4b070bc45e9f470b46457fb999a4e6d72047defa4cfcf402b65efbf03cdea0f',
    inet_group: 'igckglpfcilyu3h',
    finished_at: '2024-12-03T04:00:22.144Z',
    cid: 'bafy2bzace2hpahlw2fmifflebppqgja2y2klxi4f45b3l5rs6a4x3s3i36j',
    miner_id: 'f01366696',
    provider_id: '12D3KooWqbhdhadir6l76kwhbmdvwpekxqeh7hsjqgu6jympr54b',
    provider_address: '/dns/sp28.example.com/tcp/443/https',
    protocol: 'http',
    indexer_result: 'OK',
    status_code: 200,
    head_status_code: 200,
    timeout: false,
    car_too_large: false,
    byte_length: 1541975,
    car_checksum: 'bafkrei7ovygnduiij4sa4pcibbqhcskwtcewnvx2vao3be3roo57do64zh',
    start_at: '2024-12-03T03:59:24.695Z',
    first_byte_at: '2024-12-03T03:59:24.711Z',
    end_at: '2024-12-03T03:59:26.724Z',
  },
  {
    id: 10329,
    spark_version: '1.17.1',
    zinnia_version: '0.20.2',
    participant_address: '0xbf3972f7b83d08fc91941adacdb952456ab19af2',
    station_id: '6554215D51F53AD3DC6785F0D9C9C276C02A6E32672D1BF02FEF6B275324990E80F2D748D0C59A3F6E5E25A5',
    inet_group: 'iggmznbp',
    finished_at: '2024-12-03T04:02:35.007Z',
    cid: 'bafy2bzace2hpahlw2fmifflebppqgja2y2klxi4f45b3l5rs6a4x3s3i36j',
    miner_id: 'f03364350',
    provider_id: '12D3KooWrgflpn5t2vstuxcrxkjphjtjx5hwqkbdnvvpmkwlyyye',
    provider_address: '/dns/sp28.example.com/tcp/443/https',
    protocol: 'graphsync',
    indexer_result: 'HTTP_NOT_ADVERTISED',
    status_code: 404,
    head_status_code: null,
    timeout: false,
    car_too_large: false,
    byte_length: 0,
    car_checksum: null,
    start_at: '2024-12-03T04:02:23.055Z',
    first_byte_at: '2024-12-03T04:02:24.550Z',
    end_at: '2024-12-03T04:02:28.688Z',
  },
]

/** `preprocessSparkMeasurement`: one line of Spark's published NDJSON (`evaluate --spark-compat`). */
export function sparkLineTarget(): FuzzTarget<unknown> {
  return {
    name: 'Spark NDJSON line',
    arbitrary: jsonValueInputs(LINES),
    run(value) {
      preprocessSparkMeasurement(value, 1)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, SparkMeasurementError),
    codes: ['SPARK_MEASUREMENT_INVALID'],
  }
}

const ROUND = {
  roundIndex: '17989',
  randomness: '1f7ec8b81a5a2f0235b5b6c34e2f47462aeebaa8f9c7569bdcc1b897a2c98f09',
  maxTasksPerNode: 1,
  tasks: [
    { cid: 'bafy2bzace2hpahlw2fmifflebppqgja2y2klxi4f45b3l5rs6a4x3s3i36j', minerId: 'f03364350' },
    { cid: 'bafybeit4e5fyfbl2gr2k3dxwd4tabycowvjatfeanc57ir5dc3ttjjvj35', minerId: 'f03364350' },
  ],
  requiredCommitteeSize: 3,
}

/** `parseSparkRound`: the round file of `evaluate --spark-compat --round round.json`. */
export function sparkRoundTarget(): FuzzTarget<unknown> {
  return {
    name: 'Spark round file',
    arbitrary: jsonValueInputs([ROUND]),
    run(value) {
      parseSparkRound(value)
      return undefined
    },
    codeOf: (err) => codeWhenInstance(err, ProtocolError),
    codes: ['ROUND_INVALID'],
  }
}
